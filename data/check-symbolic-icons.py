#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# GTK recolours a symbolic icon by forcing the fill of its shapes to the text colour, so a symbolic
# icon must be 16×16 filled shapes in one colour: a stroke would be filled instead of outlined, and
# a mask, an image or a second colour would not follow the theme.
#
#   check-symbolic-icons.py ICON.svg…

import sys
import xml.etree.ElementTree as ET

SVG = '{http://www.w3.org/2000/svg}'
SHAPES = {'path', 'rect', 'circle', 'ellipse', 'polygon'}
COLOUR = '#2e3436'


def problems_of(path):
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        return [str(e)]
    found = []
    if root.tag != SVG + 'svg' or root.get('width') != '16' or root.get('height') != '16':
        found.append('the root is not a 16×16 <svg>')
    for element in root.iter():
        tag = element.tag.replace(SVG, '')
        if tag in ('svg', 'g', 'defs', 'title'):
            continue
        if tag not in SHAPES:
            found.append(f'<{tag}> is not a plain shape')
            continue
        if element.get('stroke') not in (None, 'none') or 'style' in element.attrib:
            found.append(f'a <{tag}> has a stroke or a style')
        if element.get('fill') != COLOUR:
            found.append(f'a <{tag}> is filled with {element.get("fill")}, not {COLOUR}')
    return found


def main():
    failed = False
    for path in sys.argv[1:]:
        for problem in problems_of(path):
            print(f'{path}: {problem}')
            failed = True
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
