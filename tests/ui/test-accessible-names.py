#!/usr/bin/python3
"""Every interactive control in every page of the real todo-deploy has an accessible name.

Starts the built binary on a fixture project with the fake tools, finds it through the
accessibility bus as a screen reader would, and lists every button, toggle, entry or text view
(on any page) whose accessible name is empty. Exit 0 only when none is."""
import os
import re
import subprocess
import sys
import time

try:
    import importlib.util
    HAVE_PYATSPI = importlib.util.find_spec('pyatspi') is not None
except ImportError:
    HAVE_PYATSPI = False

# pyatspi is imported only once the application holds its X connection: importing it starts the
# accessibility bus, whose launcher connects to X and leaves again, and a bare Xvfb resets when its
# last client leaves (an application connecting at that moment fails with "cannot open display").
pyatspi = None
INTERACTIVE = set()


def load_pyatspi():
    global pyatspi, INTERACTIVE
    import pyatspi as module
    pyatspi = module
    INTERACTIVE = {
    pyatspi.ROLE_PUSH_BUTTON, pyatspi.ROLE_TOGGLE_BUTTON, pyatspi.ROLE_CHECK_BOX,
    pyatspi.ROLE_RADIO_BUTTON, pyatspi.ROLE_ENTRY, pyatspi.ROLE_PASSWORD_TEXT,
    pyatspi.ROLE_SPIN_BUTTON, pyatspi.ROLE_SLIDER, pyatspi.ROLE_COMBO_BOX, pyatspi.ROLE_LINK,
    pyatspi.ROLE_TEXT, pyatspi.ROLE_TERMINAL,
    }


def find_app(timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        desktop = pyatspi.Registry.getDesktop(0)
        for i in range(desktop.childCount):
            app = desktop.getChildAtIndex(i)
            if app is not None and app.name in ('todo-deploy', 'Todo Deploy'):
                return app
        time.sleep(0.2)
    return None


def walk(node, depth=0):
    if node is None or depth > 60:
        return
    yield node
    for i in range(node.childCount):
        try:
            child = node.getChildAtIndex(i)
        except Exception:
            continue
        yield from walk(child, depth + 1)


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
    app_process = subprocess.Popen([os.path.join(build, 'src', 'todo-deploy'), '--project', project], env=env)
    try:
        time.sleep(1)
        load_pyatspi()
        app = find_app()
        if app is None:
            print('1..1\nnot ok 1 - todo-deploy never appeared on the accessibility bus')
            return 1
        time.sleep(2)  # the preflight fills its rows
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
            if node.getRole() in INTERACTIVE:
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
