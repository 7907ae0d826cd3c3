#!/usr/bin/python3
"""Use Todo Deploy as a person would: the whole wizard, through the accessibility bus.

Starts the built todo-deploy on a temporary copy of the `complete` fixture project, with a PATH of
the fake tools only, the Kubernetes API double (td-kube-double, watching the fake helm's rollout
files) as the cluster, a local HTTP server standing in for the frontend, and a stand-in browser
(a desktop file for x-scheme-handler/http that records its argument). Then, finding every control
by its accessible name or role as a screen reader would (no coordinates), it walks:

  Welcome (reads the preflight) → Setup (Run Phase) → Cluster (Run Phase) →
  Backend Image (edits a word of Gordon's prompt through its editable text, Run Gordon, answers
  `y` + Enter to “Approve? [Y/n/a]” with key presses into the focused terminal, Accept, Build
  Image) → Frontend Image (Use Bundled Reference, Accept, Build Image) → Manifests (the five
  kubectl-ai prompts, each accepted, Check Gate) → Helm Deploy (Run Phase) → Verify (waits on the
  live pod table for four pods Running 1/1, Analyse, Measure — the plan's 120 s stabilisation
  window, against pod metrics from the double's scenario — Apply, the pods again, Check, Open
  Todo Chatbot) → Finish (Run Phase; Commit… is left alone, git is not on this PATH)

and asserts that Gordon was asked the edited prompt, that the stand-in browser was asked for the
frontend's URL, that phase-iv-audit.log holds the seed's entries (ENV 1, GORDON 1 + BUNDLED-GORDON
1, KUBECTL-AI 5, HELM 1, KAGENT or KUBECTL 2) and that todo-deploy logged no GLib critical. Each
phase is a TAP test point; a step waits on what a screen reader would report (a button becoming
sensitive, the sidebar's “Phase N of 8: …, passed”, a status label), never on a fixed delay.
Screenshots (`import -window root`) go to $TD_SCREENSHOT_DIR when it is set; with
$TD_KEEP_WALKTHROUGH set the temporary directory (project, audit log, fake tools' log) is kept.
Takes about two and a half minutes, most of it the right-sizing measurement.
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

# pyatspi is imported only once the application holds its X connection (see
# test-accessible-names.py: a bare Xvfb resets when the bus launcher, its last client, leaves).
pyatspi = None

STEP_TIMEOUT = 60   # seconds any one step may take before the walk gives up


class WalkError(Exception):
    pass


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
        if self.screenshots and shutil.which('import'):
            subprocess.run(['import', '-window', 'root', os.path.join(self.screenshots, name + '.png')],
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
            lines.append('#   %s%s “%s” [%s]' % ('  ' * depth, node.getRoleName(), spoken(node.name), flags))
        return '\n'.join(lines)


# ---- the phases, one TAP test point each ------------------------------------------------------

class Steps:
    def __init__(self, walk, project, frontend_url, browser_record, calls_log, app_log):
        self.w = walk
        self.app_log = app_log
        self.calls_log = calls_log
        self.project = project
        self.frontend_url = frontend_url
        self.browser_record = browser_record

    def run(self):
        points = [
            ('Welcome: the preflight finds every tool', self.welcome),
            ('Setup: Run Phase passes', lambda: self.run_phase(1, 'Setup', 'Cluster')),
            ('Cluster: Run Phase passes', lambda: self.run_phase(2, 'Cluster', 'Backend Image')),
            ('Backend Image: an edited prompt, Gordon answered in its terminal, Accept, Build Image',
             self.backend_image),
            ('Frontend Image: bundled reference, Accept, Build Image', self.frontend_image),
            ('Manifests: five kubectl-ai prompts, each accepted', self.manifests),
            ('Helm Deploy: Run Phase passes', lambda: self.run_phase(6, 'Helm Deploy', 'Verify')),
            ('Verify: the pods come up, the gate passes, Open Todo Chatbot reaches the browser', self.verify),
            ('Finish: Run Phase passes (the audit log complete, the chart linted)', self.finish),
            ('phase-iv-audit.log holds the seed\'s entries', self.audit_log),
            ('todo-deploy logged no critical warning on the way', self.no_criticals),
        ]
        print('1..%d' % len(points))
        for number, (title, step) in enumerate(points, 1):
            try:
                step()
            except Exception as error:
                print('not ok %d - %s' % (number, title))
                print('# %s' % error)
                self.w.screenshot('%02d-failed' % number)
                try:
                    print('# the page at the time:')
                    print(self.w.dump(self.w.pages[min(number - 1, 8)]))
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
        self.w.next('Setup')

    def run_phase(self, number, title, next_title):
        page = self.w.pages[number]
        press(page, 'Run Phase')
        self.w.wait_phase_passed(number)
        self.w.screenshot('%02d-%s' % (number, title.lower().replace(' ', '-')))
        self.w.next(next_title)

    def backend_image(self):
        page = self.w.pages[3]
        prompt = find_one(page, 'text', 'Gordon’s prompt')
        original = text_of(prompt)
        # A person refining the prompt: one word replaced, through the text's editable interface.
        word = re.search(r'\bCreate\b', original)
        if word is None:
            raise WalkError('Gordon’s prompt has no word “Create” to edit: %r' % original[:80])
        editable = prompt.queryEditableText()
        editable.deleteText(word.start(), word.end())
        editable.insertText(word.start(), 'Write', len('Write'))
        edited = original[:word.start()] + 'Write' + original[word.end():]
        wait_for('the edited prompt', lambda: text_of(prompt) == edited, 5)
        press(page, 'Run Gordon')
        terminal = find_one(page, 'filler', 'Gordon’s terminal')
        wait_for('Gordon’s terminal to have the keyboard focus',
                 lambda: terminal.getState().contains(pyatspi.STATE_FOCUSED))
        self.w.screenshot('03-gordon-asks')
        # Gordon asks `Approve? [Y/n/a]`: answer as a person does, with the keyboard.
        for key in ('y', 'Return'):
            keysym = {'y': 0x79, 'Return': 0xff0d}[key]
            pyatspi.Registry.generateKeyboardEvent(keysym, None, pyatspi.KEY_SYM)
        self.accept_and_build(page, 3, 'backend-image')
        # What Gordon was asked is the edited prompt, not the seed's.
        with open(self.calls_log) as f:
            asked = [line for line in f if line.startswith('docker ai -C ')]
        if len(asked) != 1 or (' ' + edited.splitlines()[0]) not in asked[0]:
            raise WalkError('Gordon was not asked the edited prompt once: %r' % asked)
        self.w.next('Frontend Image')

    def frontend_image(self):
        page = self.w.pages[4]
        press(page, 'Use Bundled Reference')
        self.accept_and_build(page, 4, 'frontend-image')
        self.w.next('Manifests')

    def accept_and_build(self, page, number, title):
        press(page, match=r'^Accept\b')
        press(page, 'Build Image')
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
            press(section, 'Run kubectl-ai')
            press(section, 'Accept')
            wait_for('%s to say it was accepted' % spoken(heading.name),
                     lambda: find_all(section, 'label', match=r'^Accepted: charts/todo-app/templates/'))
        # The gate check is what records kubectl-ai's five audit lines (T021).
        press(page, 'Check Gate')
        self.w.wait_phase_passed(5)
        self.w.screenshot('05-manifests')
        self.w.next('Helm Deploy')

    def verify(self):
        page = self.w.pages[7]
        table = find_one(page, 'tree table', 'Pods')
        def four_running():
            rows = self.pod_rows(table)
            running = [r for r in rows if r[0].startswith(('todo-backend-', 'todo-frontend-')) and r[1] == '1/1' and r[2] == 'Running']
            return len(running) == 4
        wait_for('four Todo Chatbot pods Running 1/1 in the live pod table', four_running)
        self.w.screenshot('07-verify-pods')

        # T028/T029: the health analysis, recorded in the audit log.
        press(page, 'Analyse')
        wait_for('the health analysis to be recorded',
                 lambda: find_all(page, 'label', match=r'^Appended a \[(KAGENT|KUBECTL)\] line to phase-iv-audit\.log'))
        # T030–T032: measured through the plan's stabilisation window (120 s), then applied.
        press(page, 'Measure')
        press(page, 'Apply', timeout=STEP_TIMEOUT + 180)
        wait_for('the new limits to be recorded', lambda: find_all(page, 'label', name='Appended the new limits to the audit log.'))
        # The upgrade rolls the pods again; the gate is checked on the new ones.
        wait_for('four Todo Chatbot pods Running 1/1 again', four_running)
        press(page, 'Check')
        self.w.wait_phase_passed(7)
        self.w.screenshot('07-verify-passed')

        press(page, 'Open Todo Chatbot')
        opened = wait_for('the stand-in browser to be asked for a URL', lambda: self.opened_url(), 30)
        if opened.rstrip('/') != self.frontend_url.rstrip('/'):
            raise WalkError('the browser was asked for %r, not the frontend %r' % (opened, self.frontend_url))

    def finish(self):
        self.w.next('Finish')
        # T037 (Commit…) is left alone: git is not among the tools on this PATH.
        press(self.w.pages[8], 'Run Phase')
        self.w.wait_phase_passed(8)
        self.w.screenshot('08-finish')

    def opened_url(self):
        try:
            with open(self.browser_record) as f:
                text = f.read()
        except OSError:
            return None
        return text.strip() if text.endswith('\n') else None

    def pod_rows(self, table):
        rows = []
        for row in find_all(table, 'table row'):
            cells = [spoken(n.name) for n in find_all(row, 'label')]
            if cells and cells[0] != 'Name':
                rows.append(cells)
        return rows

    def no_criticals(self):
        # A GLib critical is a programming error (a NULL widget, a failed precondition).
        with open(self.app_log, errors='replace') as f:
            criticals = [line.strip() for line in f if '-CRITICAL **' in line]
        if criticals:
            raise WalkError('%d criticals, the first: %s' % (len(criticals), criticals[0]))

    def audit_log(self):
        counts = audit_counts(os.path.join(self.project, 'phase-iv-audit.log'))
        # The seed's required entries, with the plan's stand-ins: BUNDLED-GORDON for GORDON where
        # the bundled reference was used, KUBECTL (the built-in analyser) for KAGENT.
        def either(*tags):
            return sum(counts.get(tag, 0) for tag in tags)
        expected = {'ENV': (counts.get('ENV', 0), 1),
                    'GORDON': (either('GORDON', 'BUNDLED-GORDON'), 2),
                    'KUBECTL-AI': (counts.get('KUBECTL-AI', 0), 5),
                    'HELM': (counts.get('HELM', 0), 1),
                    'KAGENT': (either('KAGENT', 'KUBECTL'), 2)}
        wrong = ['%s: %d, not %d' % (tag, got, want) for tag, (got, want) in expected.items() if got != want]
        # Gordon really ran for the backend (its answer typed into the terminal), the bundled
        # reference stood in for the frontend.
        if counts.get('GORDON', 0) != 1 or counts.get('BUNDLED-GORDON', 0) != 1:
            wrong.append('GORDON %d and BUNDLED-GORDON %d, not one each' % (counts.get('GORDON', 0), counts.get('BUNDLED-GORDON', 0)))
        if wrong:
            raise WalkError('phase-iv-audit.log: ' + '; '.join(wrong) + ' (all: %r)' % counts)


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
    return {'namespace': 'default',
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


def main():
    build = os.environ['TD_BUILD_ROOT']
    srcdir = os.environ['G_TEST_SRCDIR']
    if not HAVE_PYATSPI:
        print('1..0 # SKIP python3-pyatspi is not installed')
        return 0

    tmp = tempfile.mkdtemp(prefix='td-walkthrough-')
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
        browser_record = register_stand_in_browser(tmp, env)
        screenshots = os.environ.get('TD_SCREENSHOT_DIR')
        if screenshots:
            os.makedirs(screenshots, exist_ok=True)

        # Its stderr goes to a file (checked for criticals), and is replayed on ours at the end.
        app_log = os.path.join(tmp, 'todo-deploy.log')
        app_stderr = open(app_log, 'w')
        app_process = subprocess.Popen([os.path.join(build, 'src', 'todo-deploy'), '--project', project],
                                       env=env, stderr=app_stderr)
        app_stderr.close()
        processes.append(app_process)
        time.sleep(1)
        global pyatspi
        import pyatspi as module
        pyatspi = module
        try:
            app = wait_for('todo-deploy on the accessibility bus', lambda: find_app(), 30)
            walk_through = Walk(app, screenshots)
        except WalkError as error:
            print('1..1\nnot ok 1 - the wizard could not be found on the accessibility bus\n# %s' % error)
            return 1
        steps = Steps(walk_through, project, frontend_url, browser_record, env['FAKE_TOOLS_LOG'], app_log)
        return steps.run()
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


sys.exit(main())
