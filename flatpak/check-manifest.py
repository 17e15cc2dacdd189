#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks the Flatpak manifest without building it (a build needs the network): it parses, names
# the app, its command and exactly the permissions the design grants, pins every downloaded
# source by checksum or commit, and builds Adiuva itself from this checkout.
# Then it breaks a copy of the manifest in each of those ways and expects every break to be
# caught, so a check that silently stopped working fails too. Prints TAP.
#
#   check-manifest.py MANIFEST APP_ID COMMAND

import copy
import json
import os
import re
import sys

FINISH_ARGS = {
    '--share=network',
    '--share=ipc',
    '--socket=wayland',
    '--socket=fallback-x11',
    '--device=dri',
    '--talk-name=org.freedesktop.secrets',
}
# The GNOME runtime lacks these; Adiuva cannot build without them.
REQUIRED_MODULES = {'sqlcipher', 'libargon2'}
SHA256 = re.compile(r'^[0-9a-f]{64}$')
COMMIT = re.compile(r'^[0-9a-f]{40}$')
LOCAL_TYPES = {'file', 'patch', 'script', 'shell', 'inline'}


def modules_of(node, base_dir, problems):
    """Every module, nested ones included; modules kept in their own file are read from it."""
    for module in node.get('modules', []):
        if isinstance(module, str):
            path = os.path.join(base_dir, module)
            try:
                with open(path, encoding='utf-8') as f:
                    module = json.load(f)
            except (OSError, ValueError) as e:
                problems.append(f'module file {module} cannot be read: {e}')
                continue
        if not isinstance(module, dict):
            problems.append(f'a module is neither an object nor a file name: {module!r}')
            continue
        yield module
        yield from modules_of(module, base_dir, problems)


def source_problems(name, source, base_dir):
    kind = source.get('type')
    if kind in ('archive', 'file') and 'url' in source:
        urls = [source['url']] + list(source.get('mirror-urls', []))
        found = [f'module {name}: {u} is not fetched over https' for u in urls
                 if not u.startswith('https://')]
        if not SHA256.match(str(source.get('sha256', ''))):
            found.append(f'module {name}: {source["url"]} has no sha256 of 64 hex digits')
        return found
    if kind == 'git':
        if not COMMIT.match(str(source.get('commit', ''))):
            return [f'module {name}: git source {source.get("url")} is not pinned to a commit']
        return []
    if kind in LOCAL_TYPES or kind == 'dir':
        path = source.get('path')
        if path is not None and not os.path.exists(os.path.join(base_dir, path)):
            return [f'module {name}: local {kind} {path} does not exist']
        return []
    return [f'module {name}: source of type {kind!r} cannot be checked for a pin']


def is_adiuva_checkout(path):
    try:
        with open(os.path.join(path, 'meson.build'), encoding='utf-8') as f:
            return re.match(r"\s*project\(\s*'adiuva'", f.read()) is not None
    except OSError:
        return False


def check(manifest, base_dir, app_id, command):
    problems = []
    manifest_id = manifest.get('id', manifest.get('app-id'))
    if manifest_id != app_id:
        problems.append(f'the app id is {manifest_id!r}, expected {app_id!r}')
    if manifest.get('command') != command:
        problems.append(f'the command is {manifest.get("command")!r}, expected {command!r}')
    if manifest.get('runtime') != 'org.gnome.Platform' or manifest.get('sdk') != 'org.gnome.Sdk':
        problems.append('the runtime is not org.gnome.Platform with org.gnome.Sdk')
    if not isinstance(manifest.get('runtime-version'), str):
        problems.append('runtime-version is missing or not a string')

    finish_args = manifest.get('finish-args', [])
    for arg in sorted(set(finish_args) - FINISH_ARGS):
        problems.append(f'finish-args grants {arg}, which the design does not')
    for arg in sorted(FINISH_ARGS - set(finish_args)):
        problems.append(f'finish-args lacks {arg}')
    if len(finish_args) != len(set(finish_args)):
        problems.append('finish-args repeats an entry')

    modules = list(modules_of(manifest, base_dir, problems))
    names = {m.get('name') for m in modules}
    for missing in sorted(REQUIRED_MODULES - names):
        problems.append(f'no module builds {missing}')

    local = []
    for module in modules:
        name = module.get('name', '?')
        sources = module.get('sources', [])
        if not sources:
            problems.append(f'module {name} has no sources')
        for source in sources:
            if not isinstance(source, dict):
                problems.append(f'module {name}: source {source!r} is not an object')
                continue
            problems += source_problems(name, source, base_dir)
            if source.get('type') == 'dir':
                local.append((module, source))

    if len(local) != 1:
        problems.append(f'{len(local)} modules build from a local folder, expected only Adiuva')
    else:
        module, source = local[0]
        if module is not modules[-1]:
            problems.append('the local module is not built last, after what it depends on')
        if module.get('name') != 'adiuva' or module.get('buildsystem') != 'meson':
            problems.append('the local module is not adiuva built with meson')
        if not is_adiuva_checkout(os.path.join(base_dir, source.get('path', ''))):
            problems.append(f'the local module\'s path {source.get("path")!r} is not this '
                            'repository')
    return problems


def first_module(manifest, name):
    return next(m for m in manifest['modules'] if m.get('name') == name)


def downloaded_source(manifest):
    return next(s for m in manifest['modules'] for s in m.get('sources', [])
                if s.get('type') == 'archive')


# Each breaks a copy of the real manifest in one way the check must catch.
def break_sha(m): downloaded_source(m).pop('sha256')
def break_sha_length(m): downloaded_source(m).update(sha256='ab' * 31)
def break_http(m): downloaded_source(m).update(url='http://example.org/x.tar.gz')
def break_git(m): downloaded_source(m).update(type='git', branch='main')
def break_extra_arg(m): m['finish-args'].append('--filesystem=home')
def break_missing_arg(m): m['finish-args'].remove('--talk-name=org.freedesktop.secrets')
def break_app_id(m): m['id'] = 'org.example.Other'
def break_command(m): m['command'] = 'adiuva-cli'
def break_local_path(m): first_module(m, 'adiuva')['sources'][0]['path'] = '../..'
def break_no_sqlcipher(m): m['modules'] = [x for x in m['modules'] if x['name'] != 'sqlcipher']
def break_order(m): m['modules'].insert(0, m['modules'].pop())


# Each with words its problem must contain, so a break counts as caught only for its own reason.
BREAKS = [
    (break_sha, 'sha256'),
    (break_sha_length, 'sha256'),
    (break_http, 'https'),
    (break_git, 'commit'),
    (break_extra_arg, '--filesystem=home'),
    (break_missing_arg, 'lacks --talk-name'),
    (break_app_id, 'app id'),
    (break_command, 'command'),
    (break_local_path, 'not this repository'),
    (break_no_sqlcipher, 'builds sqlcipher'),
    (break_order, 'built last'),
]


def main():
    if len(sys.argv) != 4:
        print('usage: check-manifest.py MANIFEST APP_ID COMMAND', file=sys.stderr)
        return 2
    path, app_id, command = sys.argv[1:]
    base_dir = os.path.dirname(os.path.abspath(path))

    print(f'1..{1 + len(BREAKS)}')
    try:
        with open(path, encoding='utf-8') as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        print(f'not ok 1 - the manifest parses\n# {e}')
        return 1

    failed = 0
    problems = check(manifest, base_dir, app_id, command)
    print(f'{"not ok" if problems else "ok"} 1 - {os.path.basename(path)} is complete and pinned')
    for p in problems:
        print(f'# {p}')
    failed += bool(problems)

    for n, (breaker, words) in enumerate(BREAKS, start=2):
        broken = copy.deepcopy(manifest)
        breaker(broken)
        found = check(broken, base_dir, app_id, command)
        caught = any(words in p for p in found)
        print(f'{"ok" if caught else "not ok"} {n} - {breaker.__name__} is caught')
        for p in found:
            print(f'# {p}')
        failed += not caught
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
