#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The desktop app driven as a person would, through the accessibility tree (AT-SPI, dogtail):
# a workspace seeded with adiuva-cli, the app started on it, a task added by quick add and seen
# in Today, then completed there; a task found with quick find; a project opened; buttons found
# by their plain names; a task moved and the Timeline walked with the keyboard alone; a client
# and a project made in their dialogs; tasks a script proposed (adiuva-cli task add --suggest)
# approved and dismissed in Today; a note written with the keyboard, saved by itself, then found
# and opened with quick find; a chat with the provider test server, its answer seen growing as
# tokens stream. Run by
# meson through build-aux/test-env --keyring --xvfb, with ADIUVA_PATH, ADIUVA_CLI_PATH and
# GSETTINGS_SCHEMA_DIR set. Prints TAP.

import datetime
import json
import os
import subprocess
import urllib.request

from e2e_session import ADIUVA, WORKSPACE, all_passed, check, cli, cli_json, run
from dogtail import rawinput, tree, utils
from dogtail.config import config


def in_days(days):
    return (datetime.date.today() + datetime.timedelta(days=days)).isoformat()


# GTK 4.8 does not tell AT-SPI which widgets are showing, so searches are scoped to a page (its
# accessible name is its type) instead of filtered by the showing state.
def page(window, title):
    # The page stack names each page by its title, as a panel (adiuva-page-stack.c).
    return window.child(name=title, roleName='panel')


def find(node, name, role):
    # dogtail retries the search (config.searchCutoffCount times) before giving up.
    return node.child(name=name, roleName=role)


def gone(node, name, role):
    for _ in range(config.searchCutoffCount):
        if not node.findChildren(lambda n: n.name == name and n.roleName == role):
            return True
        utils.doDelay(config.searchBackoffDuration)
    return False


def focused(node):
    return node.focused or any(child.focused for child in node.findChildren(lambda n: True))


def eventually(condition):
    # What the app saves shows in the store a moment later; dogtail's own patience.
    for _ in range(config.searchCutoffCount):
        if condition():
            return True
        utils.doDelay(config.searchBackoffDuration)
    return False


def tab_until(condition, limit=40):
    for _ in range(limit):
        if condition():
            return True
        rawinput.pressKey('Tab')
        utils.doDelay(config.actionDelay)
    return condition()


def mnemonic_names(node):
    # GTK 4.8 names a mnemonic button “_Label Label” unless the app takes the raw one away.
    return [n.name for n in node.findChildren(lambda n: n.roleName == 'push button')
            if n.name.startswith('_') or n.name in ('GtkImage', 'GtkMenuButton', 'GtkButton')]


def open_titles(project):
    return [task['title'] for task in cli_json('task', 'list', '--project', project)]


def pending_titles():
    return [task['title'] for task in cli_json('task', 'list', '--pending-approval')]


def inbox_titles():
    return [task['title'] for task in cli_json('task', 'list', '--inbox')]


def all_titles():
    return [task['title'] for task in cli_json('task', 'list', '--status', 'all')]


# Seeded before the app starts by suggest_tasks(): what a plugin or script proposed.
SUGGESTIONS = ('Renew the certificate', 'Order business cards')


def suggest_tasks():
    for title in SUGGESTIONS:
        cli('task', 'add', '--suggest', '--', title)


def approve_and_dismiss(window, today):
    keep, drop = (find(today, title, 'check box').parent for title in SUGGESTIONS)
    approve = find(keep, 'Approve', 'push button')
    check('Today shows what was proposed, each with Approve and Dismiss',
          find(keep, 'Dismiss', 'push button') and find(drop, 'Approve', 'push button')
          and find(drop, 'Dismiss', 'push button'))

    # Approve by keyboard: it becomes the person's own task and leaves the suggestions.
    tab_until(lambda: approve.focused)
    rawinput.pressKey('Return')
    check('Approve (keyboard) makes it a task of the person\'s',
          gone(today, SUGGESTIONS[0], 'check box')
          and eventually(lambda: pending_titles() == [SUGGESTIONS[1]])
          and SUGGESTIONS[0] in inbox_titles())

    # Dismiss by click: deleted, with an Undo. (The list made its rows again: found anew.)
    find(find(today, SUGGESTIONS[1], 'check box').parent, 'Dismiss', 'push button').click()
    check('Dismiss (click) deletes it and offers Undo',
          gone(today, SUGGESTIONS[1], 'check box') and find(window, 'Undo', 'push button')
          and eventually(lambda: SUGGESTIONS[1] not in all_titles()))
    check('decided, Today is clear', find(today, 'A Clear Day', 'label'))


NOTE_TITLE = 'Call with Anna'
NOTE_BODY = 'She wants the brochure in teal and ochre, on recycled paper.'


def write_and_find_note(app, window):
    rawinput.keyCombo('<Control>5')
    notes = page(window, 'Notes')
    rawinput.keyCombo('<Control><Shift>n')
    title = find(notes, 'Note title', 'text')
    check('Ctrl+Shift+N starts a note, its title ready to type', eventually(lambda: focused(title)))
    rawinput.typeText(NOTE_TITLE)
    body = find(notes, 'Note, in Markdown', 'text')
    tab_until(lambda: body.focused)
    rawinput.typeText(NOTE_BODY)
    check('the note saves by itself once typing stops',
          find(notes, 'Saved', 'label') and eventually(
              lambda: [n['title'] for n in cli_json('note', 'list')] == [NOTE_TITLE]))

    # Another note in the editor, so that opening the first one shows. (GTK 4.8 gives AT-SPI
    # the text of a text view, not of an entry: the body tells which note is open.)
    rawinput.keyCombo('<Control><Shift>n')
    rawinput.typeText('Groceries')
    eventually(lambda: body.text == '')

    rawinput.keyCombo('<Control>k')
    quick_find = app.child(name='Quick Find', roleName='frame')
    rawinput.typeText('ochre recycled')
    check('quick find lists the note by words of its text',
          find(quick_find, NOTE_TITLE, 'label'))
    rawinput.pressKey('Return')
    check('Enter opens the note in the editor',
          gone(app, 'Quick Find', 'frame') and eventually(lambda: body.text == NOTE_BODY))


def main():
    print('1..25', flush=True)
    cli('init')
    cli('project', 'add', 'Website')
    # Past Today's two weeks of next checkpoints, so Today holds only the suggestions.
    cli('project', 'add', 'Brochure')
    cli('checkpoint', 'add', 'Proofs', '--project', 'Brochure', '--date', in_days(20))
    cli('checkpoint', 'add', 'Print run', '--project', 'Brochure', '--date', in_days(30))
    suggest_tasks()

    app_process = subprocess.Popen([ADIUVA, '--data-dir', WORKSPACE])
    try:
        app = tree.root.application('adiuva')
        window = app.child(roleName='frame')
        today = page(window, 'Today')
        check('the window opens on the workspace',
              find(today, 'Suggested by the Assistant', 'label'))
        approve_and_dismiss(window, today)

        # Ctrl+N from anywhere: the Tasks page, the keyboard in quick add.
        rawinput.keyCombo('<Control>n')
        tasks = page(window, 'Tasks')
        entry = find(tasks, 'New task', 'text')
        check('Ctrl+N focuses quick add', focused(entry))
        rawinput.typeText('Send the invoice today p1 #Website @billing')
        check('the chips say what was understood', find(tasks, '@billing', 'label'))
        rawinput.pressKey('Return')
        check('the task is listed', find(tasks, 'Send the invoice', 'check box'))

        # Today lists it; one click there completes it. (GTK 4.8 gives AT-SPI window-relative
        # positions; without a window manager on Xvfb the window sits at 0,0, so they hold.)
        rawinput.keyCombo('<Control>1')
        find(today, 'Send the invoice', 'check box').click()
        check('completed from Today, it leaves Today', gone(today, 'Send the invoice', 'check box'))

        # Ctrl+K finds a task by a word of it; Enter opens it and closes the search.
        rawinput.keyCombo('<Control>n')
        rawinput.typeText('Renew the domain #Website')
        rawinput.pressKey('Return')
        find(tasks, 'Renew the domain', 'check box')
        rawinput.keyCombo('<Control>k')
        quick_find = app.child(name='Quick Find', roleName='frame')
        rawinput.typeText('domain')
        check('quick find lists the task', find(quick_find, 'Renew the domain', 'label'))
        rawinput.pressKey('Return')
        check('Enter opens it and closes quick find', gone(app, 'Quick Find', 'frame'))

        # Projects: the project's row opens its page, with its open tasks.
        rawinput.keyCombo('<Control>3')
        projects = page(window, 'Projects')
        find(projects, 'Website', 'list item').click()
        check('a project opens its page', find(projects, 'Renew the domain', 'check box'))
        # All Tasks shows them on the Tasks page, filtered to the project.
        find(projects, 'All Tasks', 'push button').click()
        check('the project page leads to its tasks', find(tasks, 'Website', 'push button'))

        # Buttons are found by the names a screen reader says: plain words, said once. (GTK 4.8
        # gives toggle buttons the push button role, with a pressed state.)
        find(tasks, 'Select Tasks', 'push button')
        find(tasks, 'Manual Order', 'push button')
        # Pages are made when first shown.
        rawinput.keyCombo('<Control>4')
        timeline = page(window, 'Timeline')
        find(timeline, 'Weeks', 'push button')
        find(timeline, 'Today', 'push button')
        check('buttons have plain names, said once',
              not (mnemonic_names(tasks) + mnemonic_names(timeline) + mnemonic_names(today)))

        # Alt+Down moves the task that has the keyboard, as a drag would.
        rawinput.keyCombo('<Control>n')
        rawinput.typeText('Write the brief')
        rawinput.pressKey('Return')
        find(tasks, 'Write the brief', 'check box')
        before = open_titles('Website')
        # Escape closes the details quick find opened, and gives the keyboard to the list.
        rawinput.pressKey('Escape')
        renew = find(tasks, 'Renew the domain', 'check box').parent.parent
        # The row or its check box: either is the task that has the keyboard.
        tab_until(lambda: focused(renew))
        rawinput.keyCombo('<Alt>Down')
        check('Alt+Down moves the focused task down',
              before == ['Renew the domain', 'Write the brief']
              and eventually(lambda: open_titles('Website') == list(reversed(before))))

        # The Timeline without a mouse: Tab reaches it, the arrows go from checkpoint to
        # checkpoint and the screen reader hears each one, Enter opens its project.
        rawinput.keyCombo('<Control>4')
        view = find(timeline, 'Checkpoints on a time axis', 'push button')
        check('Tab reaches the Timeline, which names the next checkpoint',
              tab_until(lambda: view.focused) and view.name.startswith('Proofs, Brochure'))
        rawinput.pressKey('Right')
        utils.doDelay(config.actionDelay)
        check('Right moves to the next checkpoint', view.name.startswith('Print run, Brochure'))
        rawinput.pressKey('Return')
        check('Enter opens its project', find(tasks, 'Brochure', 'push button'))

        # Without the terminal: a client, then a project for it, each typed in its dialog and
        # added with Return; the new project opens its page.
        # (Through AT-SPI actions: a page's buttons have no place on screen while it slides.)
        rawinput.keyCombo('<Control>3')
        find(projects, 'Back to Projects', 'push button').doActionNamed('click')
        find(projects, 'New Client…', 'push button').doActionNamed('click')
        utils.doDelay(config.actionDelay)
        rawinput.typeText('Globex')
        rawinput.pressKey('Return')
        check('New Client… adds a client',
              find(projects, 'Globex', 'label') and
              [c['name'] for c in cli_json('client', 'list')] == ['Globex'])
        find(projects, 'New Project…', 'push button').doActionNamed('click')
        utils.doDelay(config.actionDelay)
        rawinput.typeText('Rebrand')
        rawinput.pressKey('Return')
        check('New Project… adds a project and opens its page',
              find(projects, 'Rebrand', 'heading') and
              'Rebrand' in [p['name'] for p in cli_json('project', 'list')])

        write_and_find_note(app, window)
    finally:
        app_process.terminate()
        app_process.wait()

    check_chat_streams()
    return 0 if all_passed() else 1


def check_chat_streams():
    """Chat with the gateway's test server, seen as a person sees it: the answer grows as its
    tokens come, then ends with a footer naming the model. The server sends the recorded
    stream 60 bytes at a time, 80 ms apart, so the growth lasts seconds, not one frame. Its own
    app, started after the provider is set up with adiuva-cli, as a user would have done."""
    server = subprocess.Popen([os.environ['ADIUVA_TEST_PROVIDER_PATH'], '--port', '0',
                               '--fixtures', os.environ['ADIUVA_FIXTURES_DIR']],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    name = ('chat: typed after Ctrl+6, the answer grows as tokens stream in, then ends with its '
            'footer')
    app_process = None
    try:
        base = server.stdout.readline().split()[-1]
        script = json.dumps([{'match': '/v1/chat/completions', 'chunk': 60, 'delay_ms': 80}])
        urllib.request.urlopen(base + '/__script', data=script.encode()).read()
        os.environ['ADIUVA_E2E_KEY'] = 'sk-e2e-never-logged-1729'
        cli('provider', 'add', 'oa', '--kind', 'openai', '--base-url', base + '/v1',
            '--api-key-env', 'ADIUVA_E2E_KEY')
        cli('models', '--set-default', 'oa/gpt-3.5-turbo-0125')

        app_process = subprocess.Popen([ADIUVA, '--data-dir', WORKSPACE])
        app = tree.root.application('adiuva')
        window = app.child(roleName='frame')
        rawinput.keyCombo('<Control>6')
        chat = page(window, 'Chat')
        # Shown, the page gives the keyboard to the message field.
        field = find(chat, 'Message to the assistant', 'text')
        typed_in_field = eventually(lambda: focused(field))
        rawinput.typeText('Count to five')
        rawinput.pressKey('Return')

        answer = find(chat, 'Answer', 'text')
        texts = []
        for _ in range(400):
            text = answer.text or ''
            if text and (not texts or texts[-1] != text):
                texts.append(text)
            if chat.findChildren(lambda n: n.roleName == 'label' and 'tokens in' in n.name):
                break
            utils.doDelay(0.05)
        final = answer.text or ''
        print('# the answer read %d ways while it streamed' % len(texts), flush=True)
        grew = len([t for t in texts if t != final]) >= 1 and final.startswith('1, 2, 3')
        footer = chat.findChildren(lambda n: n.roleName == 'label' and 'tokens in' in n.name)
        check(name, typed_in_field and grew and footer)
    except Exception as error:  # a search that failed: this check fails, the others stand
        print('# %s' % error, flush=True)
        check(name, False)
    finally:
        if app_process is not None:
            app_process.terminate()
            app_process.wait()
        server.terminate()
        server.wait()


if __name__ == '__main__':
    run(main)
