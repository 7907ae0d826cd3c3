#!/usr/bin/python3
"""The wizard through the accessibility bus when the first deployment fails, and its way back.

As test-walkthrough.py (walkthrough_lib.py: the fake tools, the Kubernetes API double, controls
found by accessible role and name), with FAKE_HELM_ROLLOUT=image-pull-backoff,running: the first
Helm rollout's pods stay in ImagePullBackOff (the images were built outside Minikube's Docker), the
second one runs. Both images come from the bundled references; right-sizing and the health
analysis are left out. It walks:

  Welcome → Setup → Cluster → Backend Image and Frontend Image (bundled, Build Image) → Manifests
  → Helm Deploy (Run Phase: revision 1) → Verify (the live pod table shows the four pods in
  ImagePullBackOff with the diagnosis; Check fails with a “Go to <phase>” button on the failed
  row) → that button → the image phase it names (header title and the sidebar's selection), Build
  Image again → Helm Deploy (Run Phase: revision 2) → Verify (four pods Running 1/1, Check passes)

and asserts that helm upgraded twice and that todo-deploy logged no GLib critical.
"""
import os
import re
import sys

sys.dont_write_bytecode = True    # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import walkthrough_lib as lib
from walkthrough_lib import STEP_TIMEOUT, WalkError, find_all, find_one, press, spoken, wait_for

VERIFY = 7
PODS_READY_WAIT = 10    # pods-ready's stuck_seconds: it gives up this soon on pods waiting cannot fix


class FailureSteps(lib.StepsBase):
    def points(self):
        return [
            ('Welcome: the preflight finds every tool', self.welcome, 0),
            ('Setup: Run Phase passes', lambda: self.run_phase(1, 'Setup', 'Cluster'), 1),
            ('Cluster: Run Phase passes', lambda: self.run_phase(2, 'Cluster', 'Backend Image'), 2),
            ('Backend Image: bundled reference, Build Image',
             lambda: self.bundled_image(3, 'Backend Image', 'Frontend Image'), 3),
            ('Frontend Image: bundled reference, Build Image',
             lambda: self.bundled_image(4, 'Frontend Image', 'Manifests'), 4),
            ('Manifests: five kubectl-ai prompts, each accepted', self.manifests, 5),
            ('Helm Deploy: Run Phase (the first rollout)', self.first_deploy, 6),
            ('Verify: ImagePullBackOff in the pod table with its diagnosis; the gate fails with a Go to button',
             self.verify_fails, VERIFY),
            ('Go to: the wizard shows the image phase the failure names', self.go_to_fix, VERIFY),
            ('The fix: Build Image again in that phase', self.rebuild, 3),
            ('Helm Deploy: Run Phase again (the second rollout)', self.second_deploy, 6),
            ('Verify: four pods Running 1/1, the gate passes', self.verify_passes, VERIFY),
            ('helm upgraded the release twice', self.two_upgrades, VERIFY),
            ('todo-deploy logged no critical warning on the way', self.no_criticals, VERIFY),
        ]

    def first_deploy(self):
        self.deploy()
        self.next('Verify')

    def deploy(self):
        page = self.w.pages[6]
        upgrades = self.upgrades()
        self.press(page, 'Run Phase')
        # Helm's part of the phase is done once it has upgraded the release; the gate is Verify's.
        wait_for('helm upgrade --install to run', lambda: self.upgrades() == upgrades + 1)
        self.w.wait_phase_passed(6)

    def verify_fails(self):
        page = self.w.pages[VERIFY]
        table = find_one(page, 'tree table', 'Pods')
        wait_for('four Todo Chatbot pods in ImagePullBackOff in the live pod table',
                 lambda: len(self.chatbot_pods(table, '0/1', 'ImagePullBackOff')) == 4)
        self.w.screenshot('07-verify-image-pull-backoff')
        # The last column (What to Do) says why and what to do.
        for row in self.chatbot_pods(table, '0/1', 'ImagePullBackOff'):
            advice = row[-1]
            if not re.search(r"not inside Minikube's Docker", advice) or \
               not re.search(r"built with your computer's Docker instead of Minikube's", advice):
                raise WalkError('%s: no built-outside-Minikube diagnosis in %r' % (row[0], row))
        self.press(page, 'Check')
        # The pods' images are not in Minikube's Docker: pods-ready stops waiting after 10 s instead
        # of the plan's 120 s, and this bound (70 s) fails the walk if it waits the 120 s again.
        self.go_to = wait_for('a “Go to …” button on a failed gate row',
                              lambda: find_all(page, 'push button', match=r'^Go to '),
                              PODS_READY_WAIT + STEP_TIMEOUT)
        if self.w.phase_row(VERIFY).name.endswith(', passed'):
            raise WalkError('Verify passed with the pods in ImagePullBackOff')
        # The gate says each Deployment's advice once, for both of its pods (two lines), then the
        # fix (the first advice again): three times in all, not once per pod and the fix.
        row = self.go_to[0]
        while row is not None and row.getRoleName() != 'list item':
            row = row.parent
        said = ' '.join(spoken(n.name) for n in find_all(row, 'label'))
        if not re.search(r'todo-backend-\S+-r1, todo-backend-\S+-r2 \(0/1, ImagePullBackOff\)', said) \
                or said.count("not inside Minikube's Docker") != 3:
            raise WalkError('the failed pods-ready row does not group each Deployment\'s pods: %r' % said[:600])
        # The way out has the focus: a keyboard or screen reader user is taken to it.
        wait_for('the focus on “%s”' % spoken(self.go_to[0].name),
                 lambda: self.go_to[0].getState().contains(lib.pyatspi.STATE_FOCUSED), 10)
        self.w.screenshot('07-verify-go-to')
        self.w.screenshot('07-verify-failed')

    def go_to_fix(self):
        name = spoken(self.go_to[0].name)
        self.fix_title = name[len('Go to '):]
        if self.fix_title not in ('Backend Image', 'Frontend Image'):
            raise WalkError('the failed gate row sends the user to %r, not an image phase' % self.fix_title)
        self.press(self.w.pages[VERIFY], name)
        wait_for('the header to say “%s”' % self.fix_title, lambda: self.w.page_title() == self.fix_title, 10)
        number = {'Backend Image': 3, 'Frontend Image': 4}[self.fix_title]
        wait_for('the sidebar to select phase %d' % number,
                 lambda: self.w.phase_row(number).getState().contains(lib.pyatspi.STATE_SELECTED), 10)
        self.fix_number = number

    def rebuild(self):
        page = self.w.pages[self.fix_number]
        builds = self.calls('docker build')
        self.press(page, 'Build Image')
        wait_for('docker build to run again', lambda: self.calls('docker build') == builds + 1)
        self.w.wait_phase_passed(self.fix_number)
        self.w.screenshot('%02d-rebuilt' % self.fix_number)
        titles = ['Frontend Image', 'Manifests', 'Helm Deploy'][self.fix_number - 3:]
        for title in titles:
            self.next(title)

    def second_deploy(self):
        self.deploy()
        self.next('Verify')

    def verify_passes(self):
        page = self.w.pages[VERIFY]
        table = find_one(page, 'tree table', 'Pods')
        self.wait_four_running(table, 'the second rollout: four Todo Chatbot pods Running 1/1')
        self.press(page, 'Check')
        self.w.wait_phase_passed(VERIFY)
        # A hidden button is not on the accessibility bus.
        shown = find_all(page, 'push button', match=r'^Go to ')
        if shown:
            raise WalkError('a Go to button is still shown after the gate passed: %s' % spoken(shown[0].name))
        self.w.screenshot('07-verify-passed')

    def two_upgrades(self):
        if self.upgrades() != 2:
            raise WalkError('helm upgrade ran %d times, not twice' % self.upgrades())

    def upgrades(self):
        return self.calls('helm upgrade')

    def calls(self, prefix):
        try:
            with open(self.calls_log) as f:
                return sum(1 for line in f if line.startswith(prefix + ' '))
        except OSError:
            return 0


sys.exit(lib.run_walkthrough(FailureSteps, {'FAKE_HELM_ROLLOUT': 'image-pull-backoff,running'},
                             prefix='td-walkthrough-failure-'))
