"""What the walkthroughs (test-walkthrough.py, test-walkthrough-failure.py) share: the wizard
started against the fake tools, the Kubernetes API double and a stand-in browser; controls found by
accessible role and name as a screen reader would (no coordinates); the steps both walks take; and
the TAP output, one test point per step.
"""
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

try:
    import importlib.util
    HAVE_PYATSPI = importlib.util.find_spec('pyatspi') is not None
except ImportError:
    HAVE_PYATSPI = False

# pyatspi is imported by load_pyatspi(), once this process holds its own X connection (see
# hold_display()).
pyatspi = None
_display = None

STEP_TIMEOUT = 60   # seconds any one step may take before the walk gives up


class WalkError(Exception):
    pass


# ---- the display and the accessibility bus ----------------------------------------------------

def hold_display():
    """Opens a connection to the X server and keeps it for the life of this process. A bare Xvfb
    resets when its last client leaves: importing pyatspi starts the accessibility bus, whose
    launcher connects to X and leaves again, and an application connecting at that moment fails
    with "cannot open display". While this connection is held the server never runs out of
    clients, so nothing has to wait for the application to connect first. Without an X display
    (DISPLAY unset) it does nothing."""
    global _display
    if _display is None and os.environ.get('DISPLAY'):
        import ctypes
        import ctypes.util
        xlib = ctypes.CDLL(ctypes.util.find_library('X11') or 'libX11.so.6')
        xlib.XOpenDisplay.restype = ctypes.c_void_p
        xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
        _display = xlib.XOpenDisplay(None)
        if not _display:
            raise WalkError('cannot open the X display %s' % os.environ['DISPLAY'])
    return _display


def load_pyatspi():
    """Imports pyatspi (starting the accessibility bus) with the display held; returns it."""
    global pyatspi
    hold_display()
    if pyatspi is None:
        import pyatspi as module
        pyatspi = module
    return pyatspi


def wait_for_app(timeout=30):
    """The running todo-deploy, as the accessibility bus shows it."""
    return wait_for('todo-deploy on the accessibility bus', find_app, timeout)


# ---- finding things as a screen reader does ---------------------------------------------------

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


def spoken(name):
    """GTK 4.8 names a button with a mnemonic "_Run Phase Run Phase": the label and its text."""
    name = (name or '').replace('_', '')
    half = len(name) // 2
    if len(name) % 2 == 1 and name[half] == ' ' and name[:half] == name[half + 1:]:
        return name[:half]
    return name


def find_all(root, role=None, name=None, match=None):
    found = []
    for node in walk(root):
        try:
            if role is not None and node.getRoleName() != role:
                continue
            label = spoken(node.name)
            if name is not None and label != name:
                continue
            if match is not None and not re.search(match, label):
                continue
        except Exception:
            continue
        found.append(node)
    return found


def wait_for(what, condition, timeout=STEP_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = condition()
        except Exception:
            result = None
        if result:
            return result
        time.sleep(0.2)
    raise WalkError('timed out after %d s waiting for %s' % (timeout, what))


def sensitive(node):
    return node.getState().contains(pyatspi.STATE_SENSITIVE)


def find_one(root, role, name, timeout=STEP_TIMEOUT):
    return wait_for('the %s “%s”' % (role, name), lambda: (find_all(root, role, name) or [None])[0], timeout)


def press(root, name=None, role='push button', timeout=STEP_TIMEOUT, match=None):
    """Waits for the button called @name (or matching @match) to be there and sensitive, then
    activates it."""
    def ready():
        for node in find_all(root, role, name, match):
            if sensitive(node):
                return node
        return None
    button = wait_for('the %s “%s” to be available' % (role, name or match), ready, timeout)
    action = button.queryAction()
    for i in range(action.nActions):
        if action.getName(i) == 'click':
            action.doAction(i)
            return button
    raise WalkError('“%s” has no click action' % name)


def text_of(node):
    text = node.queryText()
    return text.getText(0, text.characterCount)


# ---- the keyboard, as a person uses it -------------------------------------------------------

class Keyboard:
    """Key presses as the X server gets them from a keyboard (XTest, through the accessibility
    registry), and the control that has the focus, as a screen reader hears of it (the
    object:state-changed:focused events)."""
    KEYSYMS = {'Tab': 0xff09, 'Return': 0xff0d, 'space': 0x20, 'Right': 0xff53, 'Left': 0xff51,
               'Home': 0xff50, 'End': 0xff57, 'Escape': 0xff1b}
    MASKS = {'Shift': 1, 'Control': 4, 'Alt': 8}

    def __init__(self):
        import gi
        gi.require_version('Atspi', '2.0')
        from gi.repository import Atspi, GLib
        self.atspi = Atspi
        self.context = GLib.MainContext.default()
        self.focus = None
        self.focus_changes = 0
        self.listener = Atspi.EventListener.new(self._on_focus)
        self.listener.register('object:state-changed:focused')

    def _on_focus(self, event):
        if event.detail1:
            self.focus = event.source
            self.focus_changes += 1
        elif self.focus is not None and event.source == self.focus:
            self.focus = None     # lost, e.g. its control was hidden

    def pump(self, seconds=0.0):
        """Lets the focus events that arrived be seen, for at least @seconds."""
        deadline = time.monotonic() + seconds
        while True:
            while self.context.iteration(False):
                pass
            if time.monotonic() >= deadline:
                return
            time.sleep(0.02)

    def key(self, name, *modifiers):
        """One key, with modifiers held (locked for its press, as a person holds Alt)."""
        synth = self.atspi.KeySynthType
        mask = sum(self.MASKS[m] for m in modifiers)
        if mask:
            self.atspi.generate_keyboard_event(mask, None, synth.LOCKMODIFIERS)
        self.atspi.generate_keyboard_event(self.KEYSYMS.get(name) or ord(name), None, synth.SYM)
        if mask:
            self.atspi.generate_keyboard_event(mask, None, synth.UNLOCKMODIFIERS)

    def type(self, text):
        # One key at a time, as fingers do: a string sent at once can lose a doubled letter.
        for character in text:
            self.atspi.generate_keyboard_event(0, character, self.atspi.KeySynthType.STRING)
            self.pump(0.03)

    def move_focus(self, name, *modifiers, settle=0.5):
        """Presses a focus-moving key and returns the control that has the focus after it."""
        before = self.focus_changes
        self.key(name, *modifiers)
        deadline = time.monotonic() + settle
        while time.monotonic() < deadline and self.focus_changes == before:
            self.pump(0.02)
        self.pump(0.05)
        return self.focus

    def describe(self, node=None):
        node = node if node is not None else self.focus
        if node is None:
            return 'nothing'
        try:
            return '%s “%s”' % (node.get_role_name(), spoken(node.get_name()).replace('\n', ' ')[:70])
        except Exception:
            return 'a control that is gone'


# ---- the walk --------------------------------------------------------------------------------

class Walk:
    def __init__(self, app, screenshots):
        self.app = app
        self.screenshots = screenshots
        self.frame = find_one(app, 'frame', 'Todo Deploy')
        self.sidebar = find_one(app, 'list', 'Phases')
        # GTK 4.8 exposes every page of the wizard's stack, shown or not, in the sidebar's order.
        self.pages = [n for n in find_all(self.frame, 'filler', match=r'^Td\w+Page$')]
        if len(self.pages) != 9:
            raise WalkError('expected 9 pages (Welcome and eight phases), found %d' % len(self.pages))
        # The pointer rests on the sidebar's empty end: no hover or tooltip in the screenshots. It
        # stays on the window: with no window manager, keys go to the window under the pointer.
        pyatspi.Registry.generateMouseEvent(120, 690, 'abs')

    def phase_row(self, number):
        return [n for n in find_all(self.sidebar, 'list item') if n.name.startswith('Phase %d of 8:' % number)][0]

    def wait_phase_passed(self, number, timeout=STEP_TIMEOUT):
        return wait_for('phase %d to pass (sidebar)' % number,
                        lambda: self.phase_row(number).name.endswith(', passed'), timeout)

    def next(self, expected_title):
        press(self.frame, 'Next')
        wait_for('the page “%s”' % expected_title, lambda: self.page_title() == expected_title, 10)

    def page_title(self):
        # The header's AdwWindowTitle: its first label is the page's title.
        for node in walk(self.frame):
            if node.getRoleName() == 'filler' and node.name == 'AdwWindowTitle':
                return spoken(find_all(node, 'label')[0].name)
        return None

    def screenshot(self, name):
        """The screen, trimmed of the empty (black) root window around the wizard."""
        if self.screenshots and shutil.which('import'):
            subprocess.run(['import', '-window', 'root', '-trim', '+repage', os.path.join(self.screenshots, name + '.png')],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)

    def dump(self, root):
        lines = []
        for node in walk(root):
            depth = 0
            parent = node
            while parent is not None and parent != root and depth < 60:
                parent = parent.parent
                depth += 1
            flags = 'E' if sensitive(node) else '-'
            # One line per node: a multi-line name would break the TAP stream.
            name = spoken(node.name).replace('\n', ' ⏎ ')
            lines.append('#   %s%s “%s” [%s]' % ('  ' * depth, node.getRoleName(), name, flags))
        return '\n'.join(lines)


# ---- the steps both walks take --------------------------------------------------------------

class Context:
    """What a walk's steps get to look at: the wizard, and where the run keeps its files."""
    def __init__(self, walk, tmp, project, frontend_url, browser_record, calls_log, app_log):
        self.walk = walk
        self.tmp = tmp
        self.project = project
        self.frontend_url = frontend_url
        self.browser_record = browser_record
        self.calls_log = calls_log
        self.app_log = app_log


class StepsBase:
    def __init__(self, context):
        self.c = context
        self.w = context.walk
        self.project = context.project
        self.frontend_url = context.frontend_url
        self.browser_record = context.browser_record
        self.calls_log = context.calls_log
        self.app_log = context.app_log

    def points(self):
        """[(title, step, page index to dump when it fails)]"""
        raise NotImplementedError

    # How the steps act: through the accessibility bus here; by keyboard in test-keyboard.py.
    def press(self, root, name=None, role='push button', timeout=STEP_TIMEOUT, match=None):
        return press(root, name, role, timeout, match)

    def next(self, expected_title):
        self.w.next(expected_title)

    def run(self):
        points = self.points()
        print('1..%d' % len(points))
        for number, (title, step, page) in enumerate(points, 1):
            try:
                step()
            except Exception as error:
                print('not ok %d - %s' % (number, title))
                print('# %s' % error)
                self.w.screenshot('%02d-failed' % number)
                try:
                    print('# the page at the time:')
                    print(self.w.dump(self.w.pages[page]))
                except Exception:
                    pass
                for rest in range(number + 1, len(points) + 1):
                    print('not ok %d - %s # the walk stopped before it' % (rest, points[rest - 1][0]))
                return 1
            print('ok %d - %s' % (number, title))
        return 0

    def welcome(self):
        page = self.w.pages[0]
        tools = find_one(page, 'list', 'Required Tools')
        names = ('Minikube', 'Docker', 'kubectl', 'Helm')
        def all_found():
            rows = {spoken(n.name): n for n in find_all(tools, 'list item')}
            return all(name in rows and find_all(rows[name], 'image', 'passed') for name in names)
        wait_for('the preflight to find %s' % ', '.join(names), all_found)
        self.w.screenshot('00-welcome')
        self.next('Setup')

    def run_phase(self, number, title, next_title):
        page = self.w.pages[number]
        self.press(page, 'Run Phase')
        self.w.wait_phase_passed(number)
        self.w.screenshot('%02d-%s' % (number, title.lower().replace(' ', '-')))
        self.next(next_title)

    def bundled_image(self, number, title, next_title):
        page = self.w.pages[number]
        self.press(page, 'Use Bundled Reference')
        self.accept_and_build(page, number, title.lower().replace(' ', '-'))
        self.next(next_title)

    def accept_and_build(self, page, number, title):
        self.press(page, match=r'^Accept\b')
        self.press(page, 'Build Image')
        self.w.wait_phase_passed(number)
        self.w.screenshot('%02d-%s' % (number, title))

    def manifests(self):
        page = self.w.pages[5]
        headings = find_all(page, 'label', match=r'^T0\d\d · .+\.yaml$')
        if len(headings) != 5:
            raise WalkError('expected five manifest sections, found %d' % len(headings))
        for heading in headings:
            section = heading
            while section is not None and not find_all(section, 'push button', 'Run kubectl-ai'):
                section = section.parent
            self.press(section, 'Run kubectl-ai')
            self.press(section, 'Accept')
            wait_for('%s to say it was accepted' % spoken(heading.name),
                     lambda: find_all(section, 'label', match=r'^Accepted: charts/todo-app/templates/'))
        # The gate check is what records kubectl-ai's five audit lines (T021).
        self.press(page, 'Check Gate')
        self.w.wait_phase_passed(5)
        self.w.screenshot('05-manifests')
        self.next('Helm Deploy')

    def pod_rows(self, table):
        """The live pod table's rows, each the list of its cells' texts (Name, Ready, Status, …)."""
        rows = []
        for row in find_all(table, 'table row'):
            cells = [spoken(n.name) for n in find_all(row, 'label')]
            if cells and cells[0] != 'Name':
                rows.append(cells)
        return rows

    def chatbot_pods(self, table, ready, status):
        return [r for r in self.pod_rows(table)
                if r[0].startswith(('todo-backend-', 'todo-frontend-')) and r[1] == ready and r[2] == status]

    def wait_four_running(self, table, what='four Todo Chatbot pods Running 1/1 in the live pod table'):
        wait_for(what, lambda: len(self.chatbot_pods(table, '1/1', 'Running')) == 4)

    def opened_url(self):
        try:
            with open(self.browser_record) as f:
                text = f.read()
        except OSError:
            return None
        return text.strip() if text.endswith('\n') else None

    def no_criticals(self):
        # A GLib critical is a programming error (a NULL widget, a failed precondition).
        with open(self.app_log, errors='replace') as f:
            criticals = [line.strip() for line in f if '-CRITICAL **' in line]
        if criticals:
            raise WalkError('%d criticals, the first: %s' % (len(criticals), criticals[0]))


class FrontendStandIn(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'<html><title>Todo Chatbot</title></html>'
        self.send_response(200)
        self.send_header('Content-Type', 'text/html')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def register_stand_in_browser(tmp, env):
    """A desktop entry for http URLs that writes the URL it gets to opened.txt."""
    applications = os.path.join(tmp, 'data', 'applications')
    config = os.path.join(tmp, 'config')
    os.makedirs(applications)
    os.makedirs(config)
    record = os.path.join(tmp, 'opened.txt')
    with open(os.path.join(applications, 'td-test-browser.desktop'), 'w') as f:
        f.write('[Desktop Entry]\nType=Application\nName=Test Browser\n'
                'Exec=/bin/sh -c \'echo "$1" > %s\' sh %%u\n'
                'MimeType=x-scheme-handler/http;\n' % record)
    with open(os.path.join(config, 'mimeapps.list'), 'w') as f:
        f.write('[Default Applications]\nx-scheme-handler/http=td-test-browser.desktop\n')
    env['XDG_DATA_HOME'] = os.path.join(tmp, 'data')
    env['XDG_CONFIG_HOME'] = config    # its mimeapps.list outranks the system's
    return record


def pod_metrics_scenario():
    """An empty cluster whose metrics API reports a steady use for each of the four pods: the
    right-sizing reads pods by their Deployment's name (the name less its last two parts)."""
    def metrics(name, container, cpu, memory):
        return {'metadata': {'name': name, 'namespace': 'default'}, 'window': '15s',
                'containers': [{'name': container, 'usage': {'cpu': cpu, 'memory': memory}}]}
    # Watches stay open as a real API server's do (the double's default ends them for kubectl -w).
    return {'namespace': 'default', 'watchEndMs': -1,
            'podMetrics': [metrics('todo-backend-metrics-r1', 'backend', '40m', '120Mi'),
                           metrics('todo-backend-metrics-r2', 'backend', '45m', '125Mi'),
                           metrics('todo-frontend-metrics-r1', 'frontend', '20m', '90Mi'),
                           metrics('todo-frontend-metrics-r2', 'frontend', '25m', '95Mi')]}


def audit_counts(path):
    counts = {}
    with open(path) as f:
        for line in f:
            m = re.match(r'^\[[^\]]*\] \[([A-Z-]+)\]', line)
            if m:
                counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    return counts


def run_walkthrough(make_steps, extra_env=None, prefix='td-walkthrough-', open_project=True):
    """Starts the wizard on a temporary copy of the `complete` fixture project (PATH: the fake
    tools only; the cluster: td-kube-double watching the fake helm's rollouts, with the pod metrics
    of pod_metrics_scenario(); a local HTTP server standing in for the frontend; a stand-in
    browser), then runs make_steps(Context).run() and returns its exit status. @extra_env is added
    to the wizard's environment (e.g. FAKE_HELM_ROLLOUT). With @open_project false the wizard starts
    without --project and the steps pick the project themselves."""
    build = os.environ['TD_BUILD_ROOT']
    srcdir = os.environ['G_TEST_SRCDIR']
    if not HAVE_PYATSPI:
        print('1..0 # SKIP python3-pyatspi is not installed')
        return 0

    tmp = tempfile.mkdtemp(prefix=prefix)
    processes = []
    frontend = None
    try:
        bin_dir = os.path.join(tmp, 'bin')
        os.mkdir(bin_dir)
        fakes = os.path.join(srcdir, 'fake-tools')
        for tool in ('minikube', 'docker', 'kubectl', 'helm', 'kubectl-ai', 'kagent'):
            os.symlink(os.path.join(fakes, tool), os.path.join(bin_dir, tool))
        state = os.path.join(tmp, 'fake-state')
        rollouts = os.path.join(tmp, 'rollouts')
        home = os.path.join(tmp, 'home')
        for d in (state, rollouts, home):
            os.mkdir(d)
        project = os.path.join(tmp, 'project')
        shutil.copytree(os.path.join(srcdir, 'fixtures', 'projects', 'complete'), project, symlinks=True)

        scenario = os.path.join(tmp, 'scenario.json')
        with open(scenario, 'w') as f:
            json.dump(pod_metrics_scenario(), f)
        double = subprocess.Popen([os.path.join(build, 'tests', 'kube-double', 'td-kube-double'),
                                   '--rollout-dir', rollouts, '--dir', os.path.join(tmp, 'cluster'),
                                   '--scenario', scenario],
                                  stdout=subprocess.PIPE, text=True)
        processes.append(double)
        announced = dict(double.stdout.readline().split(' ', 1) for _ in range(2))
        kubeconfig = announced['KUBECONFIG'].strip()

        frontend = http.server.ThreadingHTTPServer(('127.0.0.1', 0), FrontendStandIn)
        threading.Thread(target=frontend.serve_forever, daemon=True).start()
        frontend_url = 'http://127.0.0.1:%d' % frontend.server_address[1]

        env = dict(os.environ)
        env.pop('NO_AT_BRIDGE', None)
        for name in ('DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'MINIKUBE_ACTIVE_DOCKERD'):
            env.pop(name, None)
        env.update({
            'GTK_A11Y': 'atspi',
            'PATH': bin_dir,
            'HOME': home,
            'XDG_STATE_HOME': os.path.join(tmp, 'state'),
            'XDG_CACHE_HOME': os.path.join(tmp, 'cache'),
            'KUBECONFIG': kubeconfig,
            'FAKE_TOOLS_STATE': state,
            'FAKE_TOOLS_LOG': os.path.join(tmp, 'calls.log'),
            'FAKE_MINIKUBE_STEP_DELAY': '0.01',
            'FAKE_KUBE_ROLLOUT_DIR': rollouts,
            'FAKE_MINIKUBE_SERVICE_URL': frontend_url,
        })
        env.update(extra_env or {})
        browser_record = register_stand_in_browser(tmp, env)
        # Every run keeps a screenshot of each phase: in $TD_SCREENSHOT_DIR, or else in the build
        # tree under screenshots/<walk>/, to be looked at.
        screenshots = os.environ.get('TD_SCREENSHOT_DIR') or \
            os.path.join(build, 'screenshots', prefix.strip('-'))
        os.makedirs(screenshots, exist_ok=True)

        hold_display()
        # Its stderr goes to a file (checked for criticals), and is replayed on ours at the end.
        app_log = os.path.join(tmp, 'todo-deploy.log')
        app_stderr = open(app_log, 'w')
        argv = [os.path.join(build, 'src', 'todo-deploy')] + (['--project', project] if open_project else [])
        app_process = subprocess.Popen(argv, env=env, stderr=app_stderr)
        app_stderr.close()
        processes.append(app_process)
        try:
            load_pyatspi()
            app = wait_for_app()
            walk_through = Walk(app, screenshots)
        except WalkError as error:
            print('1..1\nnot ok 1 - the wizard could not be found on the accessibility bus\n# %s' % error)
            return 1
        return make_steps(Context(walk_through, tmp, project, frontend_url, browser_record,
                                  env['FAKE_TOOLS_LOG'], app_log)).run()
    finally:
        for process in reversed(processes):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        if frontend is not None:
            frontend.shutdown()
        try:
            with open(os.path.join(tmp, 'todo-deploy.log'), errors='replace') as f:
                sys.stderr.write(f.read())
        except OSError:
            pass
        if os.environ.get('TD_KEEP_WALKTHROUGH'):
            print('# kept ' + tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def find_app():
    desktop = pyatspi.Registry.getDesktop(0)
    for i in range(desktop.childCount):
        app = desktop.getChildAtIndex(i)
        if app is not None and app.name in ('todo-deploy', 'Todo Deploy'):
            return app
    return None

