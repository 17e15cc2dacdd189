#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Every screenshot the metainfo lists is one of the PNGs in data/screenshots, named after it at
# the address the screenshot_url build option gives, and there is a default one.
#
#   check-screenshots.py METAINFO URL SCREENSHOT_DIR

import os
import sys
import xml.etree.ElementTree as ET


def problems_of(metainfo, url, directory):
    root = ET.parse(metainfo).getroot()
    screenshots = root.findall('./screenshots/screenshot')
    found = []
    if not screenshots:
        found.append('no <screenshots> block')
    if not any(s.get('type') == 'default' for s in screenshots):
        found.append('no default screenshot')
    for screenshot in screenshots:
        image = screenshot.findtext('image', '')
        name = image[len(url) + 1:] if image.startswith(url + '/') else None
        if name is None:
            found.append('%s is not under %s' % (image, url))
        elif not os.path.isfile(os.path.join(directory, name)):
            found.append('%s is not in %s' % (name, directory))
        if not screenshot.findtext('caption'):
            found.append('%s has no caption' % image)
    return found


def main():
    metainfo, url, directory = sys.argv[1:4]
    problems = problems_of(metainfo, url, directory)
    for problem in problems:
        print('%s: %s' % (metainfo, problem), file=sys.stderr)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
