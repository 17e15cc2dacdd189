#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The desktop app as a blind person meets it: the Orca screen reader (Debian's orca, run in
# the test's own D-Bus session and Xvfb display) follows the app while the test presses real
# keys, and the test reads what Orca says. No synthesizer is needed: Orca 43 hands every
# utterance to its speech module, which logs “SPEECH OUTPUT: '…'” to the Python logger named
# “speech” (the output log of Orca's own regression tests) before passing it to a speech
# server, and this Orca has none (speechServerFactory is empty in its settings): nothing is
# played, nothing is lost. The launcher writes that logger to a file, a line at a time.
#
# Walked with the keyboard alone: the pages (Ctrl+1…6) with the Notes search and the Chat
# message field, the quick-add entry, the Tasks list (Tab into it, arrows from task to task),
# a suggestion's details with Approve and Dismiss, and a task completed in Today, with its
# Undo. At the end, no widget was named by its GTK type. Run by meson through build-aux/test-env --keyring --xvfb
# with ADIUVA_PATH, ADIUVA_CLI_PATH and GSETTINGS_SCHEMA_DIR set. Prints TAP; skips where orca
# is not installed.

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time

if shutil.which('orca') is None or importlib.util.find_spec('orca') is None:
    print('1..0 # SKIP orca is not installed (build-aux/install-deps installs it)', flush=True)
    sys.exit(0)

from e2e_session import ADIUVA, HOME, WORKSPACE, all_passed, check, cli, run  # noqa: E402
from dogtail import rawinput, tree  # noqa: E402

# How long Orca may take to say what a key press led to. A deadline to give up by, not a pause:
# each wait ends as soon as Orca has said it.
PATIENCE = 12

# /usr/bin/orca refuses to start while another Orca of the same user runs (pgrep -u), which
# would make this test fail whenever a person's Orca, or this test in another build, is
# running. This Orca lives in the test's own D-Bus session and display and shares nothing with
# them, so the launcher runs Orca's own main() with that one check answered “none”.
LAUNCHER = '''
import logging, runpy, sys
logging.getLogger('speech').addHandler(logging.FileHandler(sys.argv[1], encoding='utf-8'))
sys.argv = ['orca'] + sys.argv[2:]
launcher = runpy.run_path('/usr/bin/orca', run_name='orca_launcher')
launcher['main'].__globals__['otherOrcas'] = lambda: []
sys.exit(launcher['main']())
'''

class Orca:
    """Orca, started in this session, and what it has said so far."""

    # Orca's line for an utterance: “SPEECH OUTPUT: 'Text'”, maybe with the voice it is said
    # in (“ voice=uppercase”); a key echoed is followed by the voice settings in braces.
    SPOKEN = re.compile(r"^SPEECH OUTPUT: '(.*)'(?: voice=\S+| \{.*\})?$")

    def __init__(self):
        prefs = os.path.join(HOME, 'orca')
        os.makedirs(prefs)
        # Orca's defaults, but no speech server, no braille display to look for and no sounds.
        profile = {'profile': ['Default', 'default'], 'speechServerFactory': '',
                   'enableBraille': False, 'enableSound': False}
        with open(os.path.join(prefs, 'user-settings.conf'), 'w') as f:
            json.dump({'general': {}, 'profiles': {'default': profile}, 'pronunciations': {},
                       'keybindings': {}}, f)
        self.speech_path = os.path.join(HOME, 'orca-speech.log')
        self.output_path = os.path.join(HOME, 'orca-output.txt')
        args = ['--user-prefs', prefs]
        # To see why Orca said what it said: ADIUVA_ORCA_DEBUG_FILE=/tmp/orca.out meson test …
        if os.environ.get('ADIUVA_ORCA_DEBUG_FILE'):
            args += ['--debug-file', os.environ['ADIUVA_ORCA_DEBUG_FILE']]
        with open(self.output_path, 'w') as output:
            self.process = subprocess.Popen(
                ['/usr/bin/python3', '-c', LAUNCHER, self.speech_path] + args,
                stdout=output, stderr=subprocess.STDOUT)
        self.said = []
        self._pending = ''
        self._offset = 0

    def _read(self):
        if not os.path.exists(self.speech_path):
            return
        with open(self.speech_path, encoding='utf-8', errors='replace') as f:
            f.seek(self._offset)
            text = f.read()
            self._offset = f.tell()
        lines = (self._pending + text).split('\n')
        self._pending = lines.pop()
        for line in lines:
            match = self.SPOKEN.search(line)
            if match:
                self.said.append(match.group(1))

    def mark(self):
        self._read()
        return len(self.said)

    def wait(self, condition, since):
        """What Orca said since the mark @since, once condition(that list) holds or the
        deadline passed; printed as TAP comments."""
        deadline = time.monotonic() + PATIENCE
        while True:
            self._read()
            said = self.said[since:]
            if condition(said) or time.monotonic() > deadline or self.process.poll() is not None:
                break
            time.sleep(0.1)
        for utterance in said:
            print('# Orca: %r' % utterance, flush=True)
        return said

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=PATIENCE)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def is_key_echo(utterance):
    # Orca echoes the keys it sees (“tab ”, “left control ”) with a trailing space.
    return utterance.endswith(' ')


def spoken(said):
    return [u for u in said if not is_key_echo(u)]


def is_tooltip(utterance, said):
    # A focused widget's tooltip is said once more when it shows, as Orca said it (or without
    # the full stop Orca put after it) as the widget's description.
    return utterance in said or utterance + '.' in said


def press(keys):
    if keys.startswith('<'):
        rawinput.keyCombo(keys)
    else:
        rawinput.pressKey(keys)


def say_after(orca, keys, condition):
    since = orca.mark()
    press(keys)
    return orca.wait(condition, since)


def anything_said(said):
    return bool(spoken(said))


def after_echo(said, echo):
    # Orca echoes a key as it sees it, before what the key changed; anything said before the
    # echo was still about an earlier key.
    return said[said.index(echo) + 1:] if echo in said else []


def tab_until(orca, condition, limit=12):
    """Presses Tab until Orca says what condition looks for; what it said on the way. Each
    Tab waits for Orca to present what got the keyboard: a Tab pressed sooner moves the focus
    on before Orca reads it, and Orca skips what is no longer focused."""
    heard = []
    for _ in range(limit):
        since = orca.mark()
        press('Tab')
        heard += orca.wait(lambda said: [u for u in spoken(after_echo(said, 'tab '))
                                         if not is_tooltip(u, orca.said[:since])], since)
        if condition(heard):
            break
    return heard


def says(*words):
    return lambda said: any(all(w in u for w in words) for u in spoken(said))


def one_of(said, *words):
    return next((u for u in spoken(said) if all(w in u for w in words)), '')


def type_names(said):
    # GTK 4.8 names what has no name by its type: a screen reader must never say one.
    return [u for u in said if re.search(r'\b(Gtk|Adw|Adiuva)[A-Z]', u)]


def walk_pages(orca):
    for keys, name in (('<Control>3', 'Projects'), ('<Control>4', 'Timeline'),
                       ('<Control>5', 'Notes'), ('<Control>6', 'Chat'), ('<Control>1', 'Today'),
                       ('<Control>2', 'Tasks')):
        # Today's first task is read with the page, once Orca has gone through its sections.
        said = say_after(orca, keys, lambda said: says(name + ' panel')(said) and (
            name != 'Today' or says('Pay the rent')(said)))
        check('%s: Orca names the %s page' % (keys, name), says(name + ' panel')(said))
        if name == 'Notes':
            check('Notes: the search field is read by its label',
                  one_of(said, 'Search Notes').startswith('Search Notes entry'))
        elif name == 'Today':
            check('Today: its task is read with its state and due date',
                  says('Pay the rent, not done, due Today')(said))
        elif name == 'Chat':
            said = tab_until(orca, says('Message to the assistant'))
            check('Chat: Tab reaches the message field, read by its label',
                  says('Message to the assistant')(said))


TASKS = {'Renew the domain': ('not done', 'due Tomorrow', 'P1', 'Website'),
         'Pay the rent': ('not done', 'due Today'),
         'Order business cards': ('suggested by the assistant, not approved yet', 'not done')}


def walk_tasks(orca):
    # From quick add, Tab leaves the entry for the toolbar, then reaches the list.
    said = tab_until(orca, says('check box'))
    check('Tab reaches a task: its title, a check box, not checked',
          re.match(r'(%s) check box not checked' % '|'.join(TASKS),
                   one_of(said, 'check box')))

    # Home goes to the first row, the arrows from row to row: each is read with its title,
    # whether it is done, when it is due and what else its row shows.
    order = []
    for keys in ('Home', 'Down', 'Down'):
        said = say_after(orca, keys, lambda said: any(one_of(said, t) for t in TASKS))
        order += [(t, one_of(said, t)) for t in TASKS if one_of(said, t)]
    read = dict(order)
    for title, parts in TASKS.items():
        check('the arrows reach “%s”, read with %s' % (title, ', '.join(parts)),
              read.get(title, '').startswith(title) and all(p in read[title] for p in parts))

    # Up to the suggestion; Enter opens its details; Tab goes through its row's buttons.
    titles = [t for t, _ in order]
    if 'Order business cards' in titles:
        for _ in range(len(titles) - 1 - titles.index('Order business cards')):
            say_after(orca, 'Up', anything_said)
    # Enter opens the details without a word from Orca (the keyboard stays on the row): its
    # echo is all there is to wait for.
    say_after(orca, 'Return', lambda said: 'return ' in said)
    said = tab_until(orca, says('Approve push button'))
    check('Approve is read by its name, once, with what it does',
          one_of(said, 'Approve push button') == 'Approve push button.'
          and says('Keep this suggestion')(said))
    said = say_after(orca, 'Tab', says('Dismiss'))
    check('Dismiss is read by its name, once',
          one_of(said, 'Dismiss push button') == 'Dismiss push button.')
    said = tab_until(orca, says('Close push button'))
    check('the details\' Close button is read by its name alone',
          one_of(said, 'Close push button') == 'Close push button.')
    # (The title field next is an entry row, whose focus GTK 4.8 does not report: Orca only
    # says its text, selected.)
    said = tab_until(orca, says('Due'), limit=3)
    check('the details\' rows are read in their list, by name',
          says('Details')(said) and says('Due')(said))


def complete_in_today(orca):
    # Today's task has the keyboard again on Today; Space on its check box completes it.
    say_after(orca, '<Control>1', says('Pay the rent'))
    said = say_after(orca, 'Tab', says('Pay the rent check box'))
    check('Today: Tab reaches the task\'s check box', says('Pay the rent check box')(said))
    # The row goes at once, with the check box, before Orca could say “checked”; the keyboard
    # lands on the toast's Undo, which says what it undoes.
    said = say_after(orca, 'space', says('Undo push button'))
    check('Space completes it: Orca reads Undo with what it undoes',
          says('Undo push button')(said) and says('“Pay the rent” is done')(said))


def main():
    print('1..22', flush=True)
    cli('init')
    cli('project', 'add', 'Website')
    cli('task', 'add', 'Renew the domain tomorrow p1 #Website')
    cli('task', 'add', 'Pay the rent today')
    cli('task', 'add', '--suggest', '--', 'Order business cards')
    # With a provider the Chat page shows its message field; nothing is sent to it.
    os.environ['ADIUVA_ORCA_KEY'] = 'sk-orca-never-used'
    cli('provider', 'add', 'oa', '--kind', 'openai', '--base-url', 'http://127.0.0.1:9/v1',
        '--api-key-env', 'ADIUVA_ORCA_KEY')

    orca = Orca()
    app_process = None
    try:
        ready = orca.wait(says('Screen reader on'), 0)
        check('Orca starts in the session and says so', says('Screen reader on')(ready))

        app_process = subprocess.Popen([ADIUVA, '--data-dir', WORKSPACE])
        app = tree.root.application('adiuva')
        app.child(roleName='frame')

        # Orca hears of the window when it first gets the keyboard (there is no window
        # manager to activate it): the Tasks page's quick-add entry.
        said = say_after(orca, '<Control>2', says('New task'))
        check('Ctrl+2: the quick-add entry is read by its label, as a text field',
              one_of(said, 'New task').startswith('New task text'))
        walk_pages(orca)
        walk_tasks(orca)
        complete_in_today(orca)

        named_by_type = type_names(orca.said)
        for utterance in named_by_type:
            print('# named by its type: %r' % utterance, flush=True)
        check('Orca never says a widget\'s type name', not named_by_type)
    finally:
        if app_process is not None:
            app_process.terminate()
            app_process.wait()
        orca.stop()
        if not all_passed():
            with open(orca.output_path, errors='replace') as output:
                for line in output.read().splitlines()[-20:]:
                    print('# orca: %s' % line, flush=True)

    return 0 if all_passed() else 1


if __name__ == '__main__':
    run(main)
