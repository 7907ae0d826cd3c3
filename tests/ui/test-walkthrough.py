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
Screenshots (`import -window root`) go to $TD_SCREENSHOT_DIR, or _build/screenshots/<walk>/; with
$TD_KEEP_WALKTHROUGH set the temporary directory (project, audit log, fake tools' log) is kept.
Takes about two and a half minutes, most of it the right-sizing measurement. What it shares with
test-walkthrough-failure.py (the setup, finding controls, the common steps) is in walkthrough_lib.py.
"""

import os
import re
import sys

sys.dont_write_bytecode = True    # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import walkthrough_lib as lib
from walkthrough_lib import STEP_TIMEOUT, WalkError, audit_counts, find_all, find_one, press, text_of, wait_for


class Steps(lib.StepsBase):
    def points(self):
        return [
            ('Welcome: the preflight finds every tool', self.welcome, 0),
            ('Setup: Run Phase passes', lambda: self.run_phase(1, 'Setup', 'Cluster'), 1),
            ('Cluster: Run Phase passes', lambda: self.run_phase(2, 'Cluster', 'Backend Image'), 2),
            ('Backend Image: an edited prompt, Gordon answered in its terminal, Accept, Build Image',
             self.backend_image, 3),
            ('Frontend Image: bundled reference, Accept, Build Image',
             lambda: self.bundled_image(4, 'Frontend Image', 'Manifests'), 4),
            ('Manifests: five kubectl-ai prompts, each accepted', self.manifests, 5),
            ('Helm Deploy: Run Phase passes', lambda: self.run_phase(6, 'Helm Deploy', 'Verify'), 6),
            ('Verify: the pods come up, the gate passes, Open Todo Chatbot reaches the browser', self.verify, 7),
            ('Finish: Run Phase passes (the audit log complete, the chart linted)', self.finish, 8),
            ('phase-iv-audit.log holds the seed\'s entries', self.audit_log, 8),
            ('todo-deploy logged no critical warning on the way', self.no_criticals, 8),
        ]

    def backend_image(self):
        page = self.w.pages[3]
        prompt = find_one(page, 'text', 'Gordon’s prompt')
        original = text_of(prompt)
        # A person refining the prompt: its first word, “Create”, replaced.
        if not original.startswith('Create '):
            raise WalkError('Gordon’s prompt does not start with “Create”: %r' % original[:80])
        edited = 'Write' + original[len('Create'):]
        self.edit_first_word(prompt, len('Create'), 'Write')
        wait_for('the edited prompt', lambda: text_of(prompt) == edited, 5)
        self.press(page, 'Run Gordon')
        terminal = find_one(page, 'filler', 'Gordon’s terminal')
        wait_for('Gordon’s terminal to have the keyboard focus',
                 lambda: terminal.getState().contains(lib.pyatspi.STATE_FOCUSED))
        self.w.screenshot('03-gordon-asks')
        self.answer_gordon(terminal)
        self.after_gordon(page)
        self.accept_and_build(page, 3, 'backend-image')
        # What Gordon was asked is the edited prompt, not the seed's.
        with open(self.calls_log) as f:
            asked = [line for line in f if line.startswith('docker ai -C ')]
        if len(asked) != 1 or (' ' + edited.splitlines()[0]) not in asked[0]:
            raise WalkError('Gordon was not asked the edited prompt once: %r' % asked)
        self.next('Frontend Image')

    def edit_first_word(self, prompt, length, word):
        """Through the text's editable interface, as a screen reader's user may."""
        editable = prompt.queryEditableText()
        editable.deleteText(0, length)
        editable.insertText(0, word, len(word))

    def answer_gordon(self, terminal):
        # Gordon asks `Approve? [Y/n/a]`: answer as a person does, with the keyboard.
        self.keyboard().type('y')
        self.keyboard().key('Return')

    def after_gordon(self, page):
        pass

    def keyboard(self):
        if getattr(self, '_keyboard', None) is None:
            self._keyboard = lib.Keyboard()
        return self._keyboard

    def verify(self):
        page = self.w.pages[7]
        table = find_one(page, 'tree table', 'Pods')
        self.wait_four_running(table)
        self.w.screenshot('07-verify-pods')

        # T028/T029: the health analysis, recorded in the audit log.
        self.press(page, 'Analyse')
        wait_for('the health analysis to be recorded',
                 lambda: find_all(page, 'label', match=r'^Appended a \[(KAGENT|KUBECTL)\] line to phase-iv-audit\.log'))
        # T030–T032: measured through the plan's stabilisation window (120 s), then applied.
        self.press(page, 'Measure')
        self.press(page, 'Apply', timeout=STEP_TIMEOUT + 180)
        wait_for('the new limits to be recorded', lambda: find_all(page, 'label', name='Appended the new limits to the audit log.'))
        # The upgrade rolls the pods again; the gate is checked on the new ones.
        self.wait_four_running(table, 'four Todo Chatbot pods Running 1/1 again')
        self.press(page, 'Check')
        self.w.wait_phase_passed(7)
        # T027's watch is the gate's: its row says so, and that it passed.
        wait_for('T027’s row to say the gate watched the pods',
                 lambda: find_all(page, 'label', name='Watched by the gate below: it passed.'), 10)
        self.w.screenshot('07-verify-passed')

        self.press(page, 'Open Todo Chatbot')
        opened = wait_for('the stand-in browser to be asked for a URL', lambda: self.opened_url(), 30)
        if opened.rstrip('/') != self.frontend_url.rstrip('/'):
            raise WalkError('the browser was asked for %r, not the frontend %r' % (opened, self.frontend_url))

    def finish(self):
        self.next('Finish')
        # T037 (Commit…) is left alone: git is not among the tools on this PATH.
        self.press(self.w.pages[8], 'Run Phase')
        self.w.wait_phase_passed(8)
        # T034 is the gate's own check: its row says so, and that it passed.
        wait_for('T034’s row to say the gate checked it',
                 lambda: find_all(self.w.pages[8], 'label', name='Checked by the gate below: it passed.'), 10)
        self.w.screenshot('08-finish')

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
        # The GORDON line says what Gordon was asked: the edited prompt, not the seed's summary.
        with open(os.path.join(self.project, 'phase-iv-audit.log')) as f:
            gordon = [line for line in f if '] [GORDON] ' in line]
        if gordon and not re.search(r'prompt="Write a multi-stage Dockerfile\b.*\(edited from the seed', gordon[0]):
            wrong.append('the GORDON line does not record the edited prompt: %s' % gordon[0].strip())
        if wrong:
            raise WalkError('phase-iv-audit.log: ' + '; '.join(wrong) + ' (all: %r)' % counts)


if __name__ == '__main__':
    sys.exit(lib.run_walkthrough(Steps))
