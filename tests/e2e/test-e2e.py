#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The desktop app driven as a person would, through the accessibility tree (AT-SPI, dogtail):
# a workspace seeded with adiuva-cli, the app started on it, a task added by quick add and seen
# in Today, then completed there; a task found with quick find; a project opened. Run by meson through build-aux/test-env --keyring --xvfb, with
# ADIUVA_PATH, ADIUVA_CLI_PATH and GSETTINGS_SCHEMA_DIR set. Prints TAP.

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


def main():
    print('1..8', flush=True)
    cli('init')
    cli('project', 'add', 'Website')

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
    finally:
        app_process.terminate()
        app_process.wait()

    return 0 if all(ok for _, ok in results) else 1


if __name__ == '__main__':
    sys.exit(main())
