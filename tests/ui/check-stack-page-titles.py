#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Every GtkStackPage in the app's templates has a translatable title: without one, GTK 4.8
# names the page "GtkStackPage" to screen readers (Orca says "GtkStackPage panel").
import pathlib
import sys
import xml.etree.ElementTree as ET

untitled = []
for ui in sorted(pathlib.Path(sys.argv[1]).rglob('*.ui')):
    for page in ET.parse(ui).iter('object'):
        if page.get('class') != 'GtkStackPage':
            continue
        props = {p.get('name'): p for p in page.findall('property')}
        title = props.get('title')
        if title is None or title.get('translatable') != 'yes':
            name = props['name'].text if 'name' in props else '(no name)'
            untitled.append(f'{ui.name}: stack page "{name}" has no translatable title')

print('1..1')
if untitled:
    print('\n'.join('# ' + line for line in untitled))
    print('not ok 1 - every stack page has a title')
    sys.exit(1)
print('ok 1 - every stack page has a title')
