#!/usr/bin/env python3
"""Every file in po/POTFILES.in exists, and every source file with translatable strings is listed."""
import os
import re
import sys

top = sys.argv[1]
listed = set()
with open(os.path.join(top, 'po', 'POTFILES.in')) as potfiles:
    for line in potfiles:
        line = line.strip()
        if line and not line.startswith('#'):
            listed.add(line)

problems = []
for path in sorted(listed):
    if not os.path.exists(os.path.join(top, path)):
        problems.append('listed but missing: ' + path)

marker = re.compile(r'\b_\(|\bN_\(|translatable="yes"|\bC_\(')
for folder in ('src', 'data/ui'):
    for root, _, files in os.walk(os.path.join(top, folder)):
        for name in files:
            if not name.endswith(('.c', '.ui')):
                continue
            full = os.path.join(root, name)
            relative = os.path.relpath(full, top)
            with open(full, encoding='utf-8') as source:
                if marker.search(source.read()) and relative not in listed:
                    problems.append('has translatable strings but is not listed: ' + relative)

for problem in problems:
    print(problem)
print('%d files listed, %d problems' % (len(listed), len(problems)))
sys.exit(1 if problems else 0)
