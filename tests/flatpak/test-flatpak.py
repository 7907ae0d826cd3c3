#!/usr/bin/env python3
"""The Flatpak, built and run for real in its sandbox, on the local Debian 12 runtime.

build-aux/flatpak-local-runtime makes (or takes from its cache) the runtime and SDK;
build-aux/flatpak-local-manifest derives the manifest variant from the real one; flatpak-builder
builds the app and installs it for the user (a user installation in the build tree,
$FLATPAK_USER_DIR); what appstream-compose made of the metainfo, appstreamcli validate and
desktop-file-validate on what was installed. Then, inside the sandbox: --version and /.flatpak-info; --status against the
Kubernetes API double over TLS on 127.0.0.1; the window under Xvfb (a screenshot in
screenshots/flatpak/), the preflight finding the fake host tools through `flatpak-spawn --host`
(none of which sees /.flatpak-info), the file chooser giving the project's real path; and with
--no-talk-name=org.freedesktop.Flatpak the preflight's `flatpak override` fix.

Needs flatpak, flatpak-builder, mmdebstrap, eu-strip, Xvfb (DISPLAY) and python3-pyatspi; without
them it is skipped (TAP's 1..0 # SKIP), except with CI=true, where it fails. TAP output."""
import gzip
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from xml.etree import ElementTree

APP_ID = 'io.github.tododeploy.TodoDeploy'
BUILD = os.environ['TD_BUILD_ROOT']
SRCDIR = os.environ.get('G_TEST_SRCDIR', os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOP = os.path.dirname(SRCDIR)
WORK = os.path.join(BUILD, 'flatpak')
SCREENSHOTS = os.environ.get('TD_SCREENSHOT_DIR') or os.path.join(BUILD, 'screenshots', 'flatpak')
HOST_TOOLS = ('minikube', 'docker', 'kubectl', 'helm', 'kubectl-ai', 'kagent')
OVERRIDE_FIX = 'flatpak override --user --talk-name=org.freedesktop.Flatpak ' + APP_ID

sys.path.insert(0, os.path.join(SRCDIR, 'ui'))
import walkthrough_lib as lib  # noqa: E402  (the accessibility helpers the UI walks use)

results = []


def check(name, condition, detail=''):
    results.append((name, bool(condition), detail))
    return bool(condition)


def finish(bail=None):
    print('1..%d' % (len(results) + (1 if bail else 0)))
    for number, (name, ok, detail) in enumerate(results, 1):
        print('%s %d - %s' % ('ok' if ok else 'not ok', number, name))
        if not ok and detail:
            print('\n'.join('# ' + line for line in str(detail).splitlines()[-40:]))
    if bail:
        print('not ok %d - %s' % (len(results) + 1, bail[0]))
        print('\n'.join('# ' + line for line in str(bail[1]).splitlines()[-60:]))
    return 0 if not bail and all(ok for _, ok, _ in results) else 1


def missing_tools():
    missing = [tool for tool in ('flatpak', 'flatpak-builder', 'mmdebstrap', 'eu-strip', 'bwrap',
                                 'dbus-daemon', 'import') if shutil.which(tool) is None]
    if not os.environ.get('DISPLAY'):
        missing.append('an X display (xvfb-run)')
    if not lib.HAVE_PYATSPI:
        missing.append('python3-pyatspi')
    return missing


class Sandbox:
    """The user installation, the fake home and the session bus the Flatpak runs with."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.home = os.path.join(WORK, 'home')
        shutil.rmtree(self.home, ignore_errors=True)
        os.makedirs(self.home)
        runtime_dir = os.path.join(tmp, 'run')
        os.mkdir(runtime_dir, 0o700)
        self.env = {
            'PATH': '/usr/bin:/bin:/usr/sbin:/sbin',
            'HOME': self.home,
            'LANG': 'C.UTF-8',
            'XDG_RUNTIME_DIR': runtime_dir,
            'FLATPAK_USER_DIR': os.path.join(WORK, 'user'),
            'DISPLAY': os.environ.get('DISPLAY', ''),
        }
        if os.environ.get('XAUTHORITY'):
            self.env['XAUTHORITY'] = os.environ['XAUTHORITY']
        self.bus = None
        self.processes = []

    def run(self, argv, timeout=120, env=None, **kwargs):
        return subprocess.run(argv, env=env or self.env, capture_output=True, text=True, timeout=timeout, **kwargs)

    def start_bus(self, host_path, extra):
        """A session bus of our own: the Flatpak session helper it starts (flatpak-spawn --host's
        other end) runs the host's tools with this bus's environment: @host_path and @extra."""
        env = dict(self.env, PATH=host_path, **extra)
        self.bus = subprocess.Popen(['dbus-daemon', '--session', '--nofork', '--print-address=1'],
                                    env=env, stdout=subprocess.PIPE, text=True, start_new_session=True)
        self.env['DBUS_SESSION_BUS_ADDRESS'] = self.bus.stdout.readline().strip()
        os.environ['DBUS_SESSION_BUS_ADDRESS'] = self.env['DBUS_SESSION_BUS_ADDRESS']

    def start_app(self, *flatpak_args, log):
        """`flatpak run` in its own process group (the inner bwrap ignores SIGTERM: the whole
        group is killed at the end, and --die-with-parent ties the sandbox to flatpak run)."""
        with open(log, 'w') as stderr:
            process = subprocess.Popen(['flatpak', 'run', '--die-with-parent', *flatpak_args, APP_ID],
                                       env=self.env, stdout=stderr, stderr=stderr, start_new_session=True)
        self.processes.append(process)
        return process

    def stop(self, process):
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                break
            try:
                process.wait(timeout=5)
                break
            except subprocess.TimeoutExpired:
                continue
        # The sandboxed app itself, if it outlived flatpak run (it is in the same process group).
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def close(self):
        for process in self.processes + ([self.bus] if self.bus else []):
            self.stop(process)


def build_and_install(box):
    """Returns None, or (what failed, its output)."""
    # The runtime's cache is the machine's (the real home's, as non-root), not the fake home's.
    cache = os.environ.get('TD_FLATPAK_CACHE') or ('/var/cache/todo-deploy-flatpak' if os.getuid() == 0 else
                                                   os.path.expanduser('~/.cache/todo-deploy-flatpak'))
    made = box.run(['nice', os.path.join(TOP, 'build-aux', 'flatpak-local-runtime'), '--install'],
                   timeout=1500, env=dict(box.env, TD_FLATPAK_CACHE=cache))
    if made.returncode != 0:
        return ('the local Debian runtime and SDK are made and installed', made.stdout + made.stderr)
    runtime = dict(line.split('=', 1) for line in made.stdout.split())
    manifest = os.path.join(WORK, 'manifest.json')
    generated = subprocess.run([sys.executable, os.path.join(TOP, 'build-aux', 'flatpak-local-manifest'), manifest,
                                '--runtime', runtime['platform'], '--sdk', runtime['sdk'],
                                '--branch', runtime['branch']], capture_output=True, text=True)
    if generated.returncode != 0:
        return ('the manifest variant is generated', generated.stderr)
    print('\n'.join('# ' + line for line in generated.stderr.splitlines()))
    built = box.run(['nice', 'flatpak-builder', '--user', '--install', '--force-clean', '--disable-rofiles-fuse',
                     '--disable-updates', '--state-dir', os.path.join(WORK, 'state'),
                     '--repo', os.path.join(WORK, 'repo'), os.path.join(WORK, 'app'), manifest],
                    timeout=1500, cwd=TOP)
    if built.returncode != 0:
        return ('flatpak-builder builds and installs the app', built.stdout + built.stderr)
    check('flatpak-builder builds the manifest variant and installs it for the user', True)
    info = box.run(['flatpak', 'info', '--user', APP_ID])
    check('the app is installed on the local runtime %s' % runtime['platform'],
          info.returncode == 0 and re.search(r'Runtime:\s*%s/' % re.escape(runtime['platform']), info.stdout),
          info.stdout + info.stderr)
    check_appstream(box)
    return None


def check_appstream(box):
    """What flatpak-builder's appstream-compose made of the metainfo, and the files a software
    centre and Flathub's review read: valid, with screenshots that are in the tree, the release
    meson builds and a content rating."""
    files = os.path.join(WORK, 'app', 'files')
    composed = os.path.join(files, 'share', 'app-info', 'xmls', APP_ID + '.xml.gz')
    try:
        with gzip.open(composed) as f:
            component = ElementTree.parse(f).getroot().find('component')
    except (OSError, ElementTree.ParseError) as error:
        check('appstream-compose wrote %s' % composed, False, error)
        return
    icons = sorted(icon.get('width') for icon in component.findall('icon') if icon.get('type') == 'cached')
    check('appstream-compose wrote the component with its 64 and 128 px icons', icons == ['128', '64'], icons)
    shots = component.findall('screenshots/screenshot')
    urls = [shot.findtext('image') or '' for shot in shots]
    prefix = 'https://raw.githubusercontent.com/tododeploy/todo-deploy/main/'
    check('its screenshots: one default, each with a caption and an https image in this tree',
          shots and [shot.get('type') for shot in shots].count('default') == 1 and
          all(shot.findtext('caption') for shot in shots) and
          all(url.startswith(prefix) and os.path.isfile(os.path.join(TOP, url[len(prefix):])) for url in urls),
          '\n'.join(urls))
    releases = [release.get('version') for release in component.findall('releases/release')]
    check('its newest release is the version meson builds (%s)' % meson_version(),
          releases and releases[0] == meson_version(), releases)
    rating = component.find('content_rating')
    check('it has an OARS 1.1 content rating', rating is not None and rating.get('type') == 'oars-1.1')
    metainfo = os.path.join(files, 'share', 'appdata', APP_ID + '.appdata.xml')
    if not os.path.isfile(metainfo):
        metainfo = os.path.join(files, 'share', 'metainfo', APP_ID + '.metainfo.xml')
    got = box.run(['appstreamcli', 'validate', '--no-net', '--explain', metainfo])
    check('appstreamcli validate: the Flatpak\'s metainfo', got.returncode == 0, got.stdout + got.stderr)
    desktop = os.path.join(WORK, 'user', 'exports', 'share', 'applications', APP_ID + '.desktop')
    got = box.run(['desktop-file-validate', desktop])
    exec_line = [line for line in read(desktop).splitlines() if line.startswith('Exec=')]
    check('desktop-file-validate: the exported desktop file, which starts flatpak run',
          got.returncode == 0 and exec_line and 'flatpak run' in exec_line[0] and APP_ID in exec_line[0],
          got.stdout + got.stderr + '\n'.join(exec_line))


def meson_version():
    return re.search(r"version:\s*'([^']+)'", read(os.path.join(TOP, 'meson.build'))).group(1)


def check_command_line(box):
    version = meson_version()
    got = box.run(['flatpak', 'run', '--die-with-parent', APP_ID, '--version'])
    check('flatpak run %s --version' % APP_ID, got.returncode == 0 and got.stdout.strip() == 'todo-deploy ' + version,
          got.stdout + got.stderr)
    got = box.run(['flatpak', 'run', '--die-with-parent', '--command=cat', APP_ID, '/.flatpak-info'])
    check('inside the sandbox /.flatpak-info names the app and grants org.freedesktop.Flatpak',
          got.returncode == 0 and 'name=' + APP_ID in got.stdout and 'org.freedesktop.Flatpak=talk' in got.stdout,
          got.stdout + got.stderr)

    # The API double listens on 127.0.0.1; its kubeconfig and certificates are in the home folder,
    # which the sandbox sees at the same path (--filesystem=home, --share=network).
    double = subprocess.Popen([os.path.join(BUILD, 'tests', 'kube-double', 'td-kube-double'), '--verbose',
                               '--dir', os.path.join(box.home, 'cluster'),
                               '--scenario', os.path.join(SRCDIR, 'kube-double', 'scenarios', 'todo-rollout.json')],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = double.stdout.readline().split()[1]
        kubeconfig = double.stdout.readline().split()[1]
        got = box.run(['flatpak', 'run', '--die-with-parent', APP_ID, '--status', '--kubeconfig', kubeconfig,
                       '-l', 'app=todo-backend'], timeout=60)
        rows = [line.split()[0] for line in got.stdout.splitlines()[1:] if line.strip()]
        check('--status in the sandbox reaches the API double at %s and shows its pod' % url,
              url.startswith('https://127.0.0.1:') and got.returncode == 0 and
              rows == ['todo-backend-6d8f7c9b5-x2k4p'], got.stdout + got.stderr)
    finally:
        double.terminate()
        _, served = double.communicate(timeout=10)
    check('the double served the sandbox\'s request for the pods', '/api/v1/namespaces/default/pods' in served, served)


def host_tools(box):
    """The fake tools on the host's PATH, each behind a wrapper that records its call and whether
    it sees /.flatpak-info (the host never has one)."""
    bin_dir = os.path.join(box.tmp, 'host-bin')
    os.mkdir(bin_dir)
    log = os.path.join(box.tmp, 'host-calls.log')
    for tool in HOST_TOOLS:
        path = os.path.join(bin_dir, tool)
        with open(path, 'w') as f:
            f.write('#!/bin/sh\n'
                    'if [ -e /.flatpak-info ]; then seen=yes; else seen=no; fi\n'
                    'printf "%%s flatpak-info=%%s\\n" "%s $*" "$seen" >>"%s"\n'
                    'exec "%s" "$@"\n' % (tool, log, os.path.join(SRCDIR, 'fake-tools', tool)))
        os.chmod(path, 0o755)
    return bin_dir, log


def read(path):
    try:
        with open(path, errors='replace') as f:
            return f.read()
    except OSError:
        return ''


def labels(root):
    return [node.name for node in lib.walk(root) if node.getRoleName() == 'label' and node.name]


def check_window(box, log, project):
    import pyatspi
    lib.pyatspi = pyatspi
    app_log = os.path.join(box.tmp, 'app.log')
    process = box.start_app(log=app_log)
    try:
        app = lib.wait_for('the sandboxed wizard on the accessibility bus', lib.find_app, 60)
        window = lib.wait_for('its window', lambda: app.getChildAtIndex(0), 30)
        tools = lib.find_one(window, 'list', 'Required Tools', 60)
        names = ('Minikube', 'Docker', 'kubectl', 'Helm')

        def all_found():
            rows = {lib.spoken(n.name): n for n in lib.find_all(tools, 'list item')}
            return all(name in rows and lib.find_all(rows[name], 'image', 'passed') for name in names)
        try:
            lib.wait_for('the preflight to find the host tools', all_found, 60)
            found = True
        except lib.WalkError as error:
            found, detail = False, '%s\n%s' % (error, '\n'.join(labels(window)))
        time.sleep(1)
        screenshot = os.path.join(SCREENSHOTS, 'welcome.png')
        subprocess.run(['import', '-window', 'root', '-trim', '+repage', screenshot], timeout=30)
        check('the window appears under Xvfb (screenshot %s)' % screenshot, os.path.getsize(screenshot) > 10000)
        check('the preflight finds %s on the host' % ', '.join(names), found, '' if found else detail)
        calls = read(log).splitlines()
        called = {line.split()[0] for line in calls}
        check('the host tools ran through flatpak-spawn --host: %s' % ', '.join(sorted(called)),
              {'minikube', 'docker', 'kubectl', 'helm'} <= called, '\n'.join(calls))
        check('none of the host tools sees /.flatpak-info',
              calls and all(line.endswith('flatpak-info=no') for line in calls), '\n'.join(calls))
        check_file_chooser(window, app, project)
    except lib.WalkError as error:
        check('the sandboxed wizard\'s window', False, '%s\n%s' % (error, read(app_log)))
    finally:
        box.stop(process)


def check_file_chooser(window, app, project):
    """Ctrl+O, Ctrl+L, the project's folder typed, Return: the Project Folder row must show the
    folder's real path (no /run/user/…/doc/… path from the document portal)."""
    chooser_title = 'Choose the Todo Chatbot Project Folder'

    def chooser():
        windows = (app.getChildAtIndex(i) for i in range(app.childCount))
        return next((w for w in windows if w is not None and w.name == chooser_title), None)
    kb = lib.Keyboard()
    folder_row = lib.find_one(window, 'list item', 'Project Folder')
    kb.key('o', 'Control')
    lib.wait_for('Ctrl+O to open the folder chooser', chooser, 20)
    kb.key('l', 'Control')
    lib.wait_for('the location entry to have the focus',
                 lambda: kb.pump() or (kb.focus is not None and kb.focus.get_role_name() == 'text'), 10)
    kb.type(project + '/')
    time.sleep(0.5)
    for _ in range(3):
        kb.key('Return')
        try:
            lib.wait_for('the folder chooser to close', lambda: not chooser(), 3)
            break
        except lib.WalkError:
            continue
    shown = []
    try:
        lib.wait_for('the Project Folder row to show the folder',
                     lambda: shown.extend(labels(folder_row)) or project in labels(folder_row), 20)
        ok = True
    except lib.WalkError:
        ok = False
    subprocess.run(['import', '-window', 'root', '-trim', '+repage',
                    os.path.join(SCREENSHOTS, 'project-chosen.png')], timeout=30)
    check('the file chooser gives the project\'s real path %s' % project, ok,
          'the row says %r' % sorted(set(shown)))


def check_without_host_access(box, log):
    app_log = os.path.join(box.tmp, 'app-no-talk.log')
    before = read(log)
    process = box.start_app('--no-talk-name=org.freedesktop.Flatpak', log=app_log)
    try:
        app = lib.wait_for('the wizard without host access on the accessibility bus', lib.find_app, 60)
        window = lib.wait_for('its window', lambda: app.getChildAtIndex(0), 30)
        try:
            lib.wait_for('the preflight to give the flatpak override fix',
                         lambda: any(OVERRIDE_FIX in text for text in labels(window)), 60)
            ok, detail = True, ''
        except lib.WalkError as error:
            ok, detail = False, '%s\n%s' % (error, '\n'.join(labels(window)))
        subprocess.run(['import', '-window', 'root', '-trim', '+repage',
                        os.path.join(SCREENSHOTS, 'no-host-access.png')], timeout=30)
        check('with --no-talk-name=org.freedesktop.Flatpak the preflight shows “%s”' % OVERRIDE_FIX, ok, detail)
        check('and no host tool ran', read(log) == before, read(log)[len(before):])
    except lib.WalkError as error:
        check('the sandboxed wizard without host access', False, '%s\n%s' % (error, read(app_log)))
    finally:
        box.stop(process)


def main():
    missing = missing_tools()
    if missing:
        if os.environ.get('CI'):
            return finish(('the tools the flatpak suite needs are installed', 'missing: ' + ', '.join(missing)))
        print('1..0 # SKIP missing: %s' % ', '.join(missing))
        return 0
    os.makedirs(WORK, exist_ok=True)
    os.makedirs(SCREENSHOTS, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix='td-flatpak-')
    box = Sandbox(tmp)
    try:
        box.start_bus('/usr/bin:/bin', {})
        failed = build_and_install(box)
        if failed:
            return finish(failed)
        check_command_line(box)

        # The GUI runs: a fresh bus whose session helper has the fake tools on its PATH.
        box.stop(box.bus)
        bin_dir, log = host_tools(box)
        state = os.path.join(tmp, 'fake-state')
        os.mkdir(state)
        box.start_bus(bin_dir + ':/usr/bin:/bin', {'FAKE_TOOLS_STATE': state})
        project = os.path.join(box.home, 'src', 'todo-chatbot')
        shutil.copytree(os.path.join(SRCDIR, 'fixtures', 'projects', 'complete'), project, symlinks=True)
        check_window(box, log, project)
        check_without_host_access(box, log)
        return finish()
    finally:
        box.close()
        if os.environ.get('TD_KEEP_FLATPAK'):
            print('# kept ' + tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
