#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The desktop app driven as a person would, through the accessibility tree (AT-SPI, dogtail):
# a workspace seeded with adiuva-cli, the app started on it, a task added by quick add and seen
# in Today, then completed there; a task found with quick find; a project opened; buttons found
# by their plain names; a task moved and the Timeline walked with the keyboard alone; a client
# and a project made in their dialogs. Run by
# meson through build-aux/test-env --keyring --xvfb, with ADIUVA_PATH, ADIUVA_CLI_PATH and
# GSETTINGS_SCHEMA_DIR set. Prints TAP.

import datetime
import json
import os
import subprocess
import sys

# test-env turns the accessibility bridge off for the other tests; this one needs it, in this
# process (pyatspi) and in the app.
os.environ.pop('NO_AT_BRIDGE', None)

from dogtail import utils  # noqa: E402

# dogtail refuses to start unless GNOME's accessibility setting is on; in test-env's memory
# GSettings backend this holds for this process only.
utils.enableA11y()

from dogtail import rawinput, tree  # noqa: E402
from dogtail.config import config  # noqa: E402

config.logDebugToFile = False
config.logDebugToStdOut = False

ADIUVA = os.environ['ADIUVA_PATH']
ADIUVA_CLI = os.environ['ADIUVA_CLI_PATH']
WORKSPACE = os.path.join(os.environ['HOME'], 'workspace')

results = []


def check(name, condition):
    results.append((name, bool(condition)))
    print(('ok' if condition else 'not ok') + ' %d %s' % (len(results), name), flush=True)


def cli(*args):
    subprocess.run([ADIUVA_CLI, '--data-dir', WORKSPACE] + list(args), check=True,
                   stdout=subprocess.DEVNULL)


def cli_json(*args):
    return json.loads(subprocess.run([ADIUVA_CLI, '--data-dir', WORKSPACE, '--json'] + list(args),
                                     check=True, stdout=subprocess.PIPE).stdout)


def in_days(days):
    return (datetime.date.today() + datetime.timedelta(days=days)).isoformat()


# GTK 4.8 does not tell AT-SPI which widgets are showing, so searches are scoped to a page (its
# accessible name is its type) instead of filtered by the showing state.
def page(window, type_name):
    return window.child(name=type_name)


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


def main():
    print('1..16', flush=True)
    cli('init')
    cli('project', 'add', 'Website')
    # Past Today's two weeks of next checkpoints, so Today starts clear.
    cli('project', 'add', 'Brochure')
    cli('checkpoint', 'add', 'Proofs', '--project', 'Brochure', '--date', in_days(20))
    cli('checkpoint', 'add', 'Print run', '--project', 'Brochure', '--date', in_days(30))

    app_process = subprocess.Popen([ADIUVA, '--data-dir', WORKSPACE])
    try:
        app = tree.root.application('adiuva')
        window = app.child(roleName='frame')
        today = page(window, 'AdiuvaTodayPage')
        check('the window opens on the workspace', find(today, 'A Clear Day', 'label'))

        # Ctrl+N from anywhere: the Tasks page, the keyboard in quick add.
        rawinput.keyCombo('<Control>n')
        tasks = page(window, 'AdiuvaTasksPage')
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
        projects = page(window, 'AdiuvaProjectsPage')
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
        timeline = page(window, 'AdiuvaTimelinePage')
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
        tab_until(lambda: renew.focused)
        rawinput.keyCombo('<Alt>Down')
        moved = False
        for _ in range(config.searchCutoffCount):
            moved = open_titles('Website') == list(reversed(before))
            if moved:
                break
            utils.doDelay(config.searchBackoffDuration)
        check('Alt+Down moves the focused task down', before == ['Renew the domain',
                                                                 'Write the brief'] and moved)

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
    finally:
        app_process.terminate()
        app_process.wait()

    return 0 if all(ok for _, ok in results) else 1


if __name__ == '__main__':
    sys.exit(main())
