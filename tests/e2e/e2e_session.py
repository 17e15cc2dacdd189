# SPDX-License-Identifier: GPL-3.0-or-later
#
# What the end-to-end tests share: the accessibility bus turned on for dogtail and the app, the
# paths meson passes (ADIUVA_PATH, ADIUVA_CLI_PATH) and the workspace under the test's HOME,
# adiuva-cli on that workspace, and TAP results. Imported by the test scripts of this folder.

import json
import os
import subprocess
import sys
import traceback

# test-env turns the accessibility bridge off for the other tests; these need it, in this
# process (pyatspi) and in the app.
os.environ.pop('NO_AT_BRIDGE', None)

from dogtail import utils  # noqa: E402

# dogtail refuses to start unless GNOME's accessibility setting is on; in test-env's memory
# GSettings backend this holds for this process only.
utils.enableA11y()

from dogtail.config import config  # noqa: E402

config.logDebugToFile = False
config.logDebugToStdOut = False

ADIUVA = os.environ['ADIUVA_PATH']
ADIUVA_CLI = os.environ['ADIUVA_CLI_PATH']
HOME = os.environ['HOME']
WORKSPACE = os.path.join(HOME, 'workspace')

results = []


def check(name, condition):
    results.append((name, bool(condition)))
    print(('ok' if condition else 'not ok') + ' %d %s' % (len(results), name), flush=True)


def all_passed():
    return all(ok for _, ok in results)


def cli(*args):
    subprocess.run([ADIUVA_CLI, '--data-dir', WORKSPACE] + list(args), check=True,
                   stdout=subprocess.DEVNULL)


def cli_json(*args):
    return json.loads(subprocess.run([ADIUVA_CLI, '--data-dir', WORKSPACE, '--json'] + list(args),
                                     check=True, stdout=subprocess.PIPE).stdout)


def run(main):
    """Exits with main()'s status. dogtail's sys.excepthook sends an uncaught error only to its
    debug log, turned off above: a failed search must say which one it was."""
    try:
        sys.exit(main())
    except Exception:
        traceback.print_exc()
        print('Bail out!', flush=True)
        sys.exit(1)
