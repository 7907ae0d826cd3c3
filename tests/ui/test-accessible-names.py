#!/usr/bin/python3
"""Every interactive control in every page of the real todo-deploy has an accessible name.

Starts the built binary on a fixture project with the fake tools, finds it through the
accessibility bus as a screen reader would, and lists every button, toggle, entry or text view
(on any page) whose accessible name is empty. Exit 0 only when none is."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import walkthrough_lib as lib  # noqa: E402
from walkthrough_lib import HAVE_PYATSPI, WalkError, find_all, walk, wait_for  # noqa: E402

# The states a finished preflight check shows beside its row (td-welcome-page.c); while it runs
# the row shows a spinner instead, and its status image says "checking" or "not checked yet".
FINISHED = ('passed', 'needs attention', 'failed')
CHECK_LISTS = ('Required Tools', 'AI Agents (Optional)', 'Project Layout')


def interactive_roles(pyatspi):
    return {
        pyatspi.ROLE_PUSH_BUTTON, pyatspi.ROLE_TOGGLE_BUTTON, pyatspi.ROLE_CHECK_BOX,
        pyatspi.ROLE_RADIO_BUTTON, pyatspi.ROLE_ENTRY, pyatspi.ROLE_PASSWORD_TEXT,
        pyatspi.ROLE_SPIN_BUTTON, pyatspi.ROLE_SLIDER, pyatspi.ROLE_COMBO_BOX, pyatspi.ROLE_LINK,
        pyatspi.ROLE_TEXT, pyatspi.ROLE_TERMINAL,
    }


def preflight_finished(app):
    """Every row of the Welcome page's check lists shows a finished state (and there are rows)."""
    rows = [row for name in CHECK_LISTS for lst in find_all(app, 'list', name) for row in find_all(lst, 'list item')]
    return bool(rows) and all(any(lib.spoken(image.name) in FINISHED for image in find_all(row, 'image'))
                              for row in rows)


# With no name of its own, GTK 4.8 reports the widget's type name ("GtkImage", "GtkMenuButton"):
# that is no name a person can use.
TYPE_NAME = re.compile(r'^(Gtk|Adw|Vte|GtkSource)[A-Z]\w*$')


def has_name(node):
    name = (node.name or '').strip()
    return bool(name) and not TYPE_NAME.match(name)


def path_of(node):
    parts = []
    while node is not None and len(parts) < 6:
        parts.append('%s "%s"' % (node.getRoleName(), node.name))
        node = node.parent
    return ' < '.join(parts)


def main():
    build = os.environ['TD_BUILD_ROOT']
    srcdir = os.environ['G_TEST_SRCDIR']
    project = os.path.join(srcdir, 'fixtures', 'projects', 'complete')
    env = dict(os.environ)
    env.pop('NO_AT_BRIDGE', None)
    env['GTK_A11Y'] = 'atspi'
    env['PATH'] = os.path.join(srcdir, 'fake-tools') + ':/usr/bin:/bin'
    if not HAVE_PYATSPI:
        print('1..0 # SKIP python3-pyatspi is not installed')
        return 0
    lib.hold_display()
    app_process = subprocess.Popen([os.path.join(build, 'src', 'todo-deploy'), '--project', project], env=env)
    try:
        pyatspi = lib.load_pyatspi()
        interactive = interactive_roles(pyatspi)
        try:
            app = lib.wait_for_app()
            wait_for('the preflight to fill its rows', lambda: preflight_finished(app))
        except WalkError as error:
            print('1..1\nnot ok 1 - %s' % error)
            return 1
        sidebar = None
        for node in walk(app):
            if node.getRoleName() in ('list', 'list box') and node.name == 'Phases':
                sidebar = node
                break
        if sidebar is None:
            print('1..1\nnot ok 1 - no list named "Phases" (the sidebar) was found')
            return 1

        # GTK 4.8 exposes every page of the wizard's stack, shown or not, so one walk covers them all.
        pages = sidebar.childCount
        unnamed = []
        checked = 0
        for node in walk(app):
            if node.getRole() in interactive:
                checked += 1
                if not has_name(node):
                    entry = path_of(node)
                    if entry not in unnamed:
                        unnamed.append(entry)
        print('1..1')
        if checked == 0:
            print('not ok 1 - no interactive control was found at all')
            return 1
        if unnamed:
            print('not ok 1 - %d controls have no accessible name (of %d checked):' % (len(unnamed), checked))
            for entry in unnamed:
                print('#   ' + entry)
            return 1
        print('ok 1 - %d interactive controls over %d pages, all named' % (checked, pages))
        return 0
    finally:
        app_process.terminate()
        app_process.wait(timeout=10)


sys.exit(main())
