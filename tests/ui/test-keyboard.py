#!/usr/bin/python3
"""The whole wizard from the keyboard alone: the walk of test-walkthrough.py, with every action a
key press a person would make.

The same setup as test-walkthrough.py (the fake tools, the Kubernetes API double, a stand-in
frontend and browser), but the wizard starts without --project and nothing is activated through
the accessibility bus. The bus is only listened to, as a screen reader does: to find out which
control has the focus (its object:state-changed:focused events) and what the pages say.

  Welcome: Ctrl+O, Ctrl+L, the folder typed, Return → Setup: Tab until Run Phase has the focus,
  Space; a whole round of Tab through the window leaves the sidebar marking Setup; Alt+Left back
  to Welcome and Alt+Right forward again (each page change checked in the sidebar's mark) → Cluster: Alt+Right refused while
  the phase has not passed; its mnemonic Alt+R runs it → Backend Image: Tab reaches Gordon's prompt
  and leaves it again (a Tab is not typed into the prompt), its first word replaced by typing,
  Run Gordon, Ctrl+Tab and Ctrl+Shift+Tab out of Gordon's terminal and Shift+Tab and Tab back, “y” Return typed to
  Gordon, the focus on Accept when Gordon is done, Space, Build Image → Frontend Image → Manifests
  (five prompts, each run and accepted) → Helm Deploy → Verify (Analyse, Measure, Apply, Check by
  Tab and Space; Alt+O opens the chatbot) → Finish.

Every button is reached with Tab from wherever the focus is, as a keyboard user must: a control
that Tab cannot reach within a full round of the window fails the step, listing where the focus
went. Takes about as long as test-walkthrough.py (the plan's 120 s right-sizing window). It runs in
dark mode (ADW_DEBUG_COLOR_SCHEME=prefer-dark), so its screenshots show every phase dark.
"""

import importlib.util
import os
import sys

sys.dont_write_bytecode = True    # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import walkthrough_lib as lib
from walkthrough_lib import STEP_TIMEOUT, WalkError, find_all, find_one, sensitive, spoken, wait_for

_spec = importlib.util.spec_from_file_location('happy_walk', os.path.join(HERE, 'test-walkthrough.py'))
happy_walk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(happy_walk)

# More Tabs than there are controls on any one page, its header and the sidebar: a control not
# reached after this many has no place in the Tab order.
MAX_TABS = 120
TERMINAL = 'Gordon’s terminal'


def same(a, b):
    """Whether two accessible objects are the same control (the registry hands out one object
    per control, but a proxy from an event and one from the tree may be different wrappers)."""
    if a is None or b is None:
        return False
    if a == b:
        return True
    try:
        return a.path == b.path and a.get_application() == b.get_application()
    except Exception:
        return False


class KeyboardSteps(happy_walk.Steps):
    # Buttons pressed with their mnemonic (Alt + the underlined letter) instead of Tab and Space.
    MNEMONICS = {'Open Todo Chatbot': 'o'}

    def points(self):
        return [
            ('Welcome: Ctrl+O, the project folder typed, Return; the preflight finds every tool', self.welcome, 0),
            ('Setup: Tab to Run Phase, Space; Alt+Left and Alt+Right move between the pages', self.setup, 1),
            ('Cluster: Alt+Right waits for the gate; Alt+R runs the phase', self.cluster, 2),
            ('Backend Image: the prompt edited by typing, Gordon answered, Ctrl+Tab in and out of its terminal, '
             'Accept, Build Image', self.backend_image, 3),
            ('Frontend Image: bundled reference, Accept, Build Image',
             lambda: self.bundled_image(4, 'Frontend Image', 'Manifests'), 4),
            ('Manifests: five kubectl-ai prompts, each run and accepted from the keyboard', self.manifests, 5),
            ('Helm Deploy: Run Phase passes', lambda: self.run_phase(6, 'Helm Deploy', 'Verify'), 6),
            ('Verify: Analyse, Measure, Apply and Check from the keyboard; Alt+O opens the chatbot', self.verify, 7),
            ('Finish: Run Phase passes', self.finish, 8),
            ('phase-iv-audit.log holds the seed\'s entries', self.audit_log, 8),
            ('todo-deploy logged no critical warning on the way', self.no_criticals, 8),
        ]

    # ---- acting by keyboard ---------------------------------------------------------------------

    def tab_to(self, target, what):
        """Presses Tab until @target has the focus."""
        kb = self.keyboard()
        kb.pump()
        went = []
        for _ in range(MAX_TABS):
            if same(kb.focus, target):
                return
            kb.move_focus('Tab')
            went.append(kb.describe())
        raise WalkError('Tab never reached %s; the focus went: %s' % (what, ' → '.join(went[:60])))

    def press(self, root, name=None, role='push button', timeout=STEP_TIMEOUT, match=None):
        def ready():
            return next((n for n in find_all(root, role, name, match) if sensitive(n)), None)
        button = wait_for('the %s “%s” to be available' % (role, name or match), ready, timeout)
        label = spoken(button.name)
        if label in self.MNEMONICS:
            self.keyboard().key(self.MNEMONICS[label], 'Alt')
        else:
            self.tab_to(button, '“%s”' % label)
            self.keyboard().key('space')
        return button

    def next(self, expected_title):
        self.keyboard().key('Right', 'Alt')
        wait_for('Alt+Right to show “%s”' % expected_title, lambda: self.w.page_title() == expected_title, 10)
        self.check_sidebar(expected_title)

    def back(self, expected_title):
        self.keyboard().key('Left', 'Alt')
        wait_for('Alt+Left to show “%s”' % expected_title, lambda: self.w.page_title() == expected_title, 10)
        self.check_sidebar(expected_title)

    def check_sidebar(self, title):
        """The sidebar marks (selected, for a screen reader) the shown page's row and no other."""
        def marked():
            rows = find_all(self.w.sidebar, 'list item')
            return [spoken(r.name) for r in rows if r.getState().contains(lib.pyatspi.STATE_SELECTED)]
        def right():
            names = marked()
            return len(names) == 1 and (names[0] == title or names[0].split(': ', 1)[-1].startswith(title + ','))
        try:
            wait_for('the sidebar to mark “%s”' % title, right, 5)
        except WalkError:
            raise WalkError('the sidebar marks %r while “%s” is shown' % (marked(), title))

    def tab_round(self):
        """Tab from the focused control until it has the focus again: every stop on the way."""
        kb = self.keyboard()
        kb.pump()
        start = kb.focus
        stops = []
        for _ in range(MAX_TABS):
            kb.move_focus('Tab')
            if same(kb.focus, start):
                return stops
            stops.append(kb.describe())
        raise WalkError('Tab did not come back to %s: %s' % (self.keyboard().describe(start), ' → '.join(stops[:60])))

    # ---- the steps that differ from the walk by the accessibility bus ---------------------------

    def welcome(self):
        kb = self.keyboard()
        page = self.w.pages[0]
        folder_row = find_one(page, 'list item', 'Project Folder')
        kb.key('o', 'Control')
        wait_for('Ctrl+O to open the folder chooser', self.folder_chooser, 10)
        kb.key('l', 'Control')
        wait_for('Ctrl+L to put the focus in the location entry',
                 lambda: kb.pump() or (kb.focus is not None and kb.focus.get_role_name() == 'text'), 10)
        entry = kb.focus
        for _ in range(3):
            kb.type(self.project)
            # What a person checks before pressing Return (the entry may add a completion after
            # it); a key the X server dropped is typed again, as a person fixes a typo.
            try:
                wait_for('the location entry to hold the folder typed',
                         lambda: lib.text_of(entry).startswith(self.project), 5)
                break
            except WalkError:
                kb.key('a', 'Control')
        self.w.screenshot('00-keyboard-folder-chooser')
        # Return opens the folder typed; on a chooser showing that folder, Return chooses it.
        for _ in range(3):
            kb.key('Return')
            try:
                wait_for('the folder chooser to close', lambda: not self.folder_chooser(), 3)
                break
            except WalkError:
                continue
        chooser = self.folder_chooser()
        if chooser is not None:
            raise WalkError('three Returns did not close the folder chooser; its entry holds %r, the focus is on %s'
                            % (lib.text_of(entry), kb.describe()))
        # The labels' own names: spoken() would drop the underscores a temporary folder may have.
        def row_says():
            return [n.name for n in find_all(folder_row, 'label')]
        try:
            wait_for('the Project Folder row to show the folder', lambda: self.project in row_says(), 20)
        except WalkError:
            raise WalkError('the chooser closed, but the Project Folder row says %r, not %s'
                            % (row_says(), self.project))
        super().welcome()

    def folder_chooser(self):
        """The chooser's window (GTK 4.8 shows a dialog's window as a filler named by its title)."""
        app = self.w.app
        windows = (app.getChildAtIndex(i) for i in range(app.childCount))
        return next((w for w in windows if w is not None and w.name == 'Choose the Todo Chatbot Project Folder'), None)

    def setup(self):
        self.press(self.w.pages[1], 'Run Phase')
        self.w.wait_phase_passed(1)
        # A whole round of Tab passes the header, the page and every sidebar row, and changes
        # nothing: the sidebar still marks Setup.
        stops = self.tab_round()
        for stop in ('push button “Next”', 'list item “Phase 8 of 8: Finish, pending”'):
            if stop not in stops:
                raise WalkError('a round of Tab did not stop at %s: %s' % (stop, ' → '.join(stops)))
        self.check_sidebar('Setup')
        self.w.screenshot('01-keyboard-setup')
        self.back('Welcome')
        self.next('Setup')
        self.next('Cluster')

    def cluster(self):
        kb = self.keyboard()
        # Alt+Right on a phase whose check has not passed stays: Next is not available yet.
        kb.key('Right', 'Alt')
        kb.pump(1.0)
        if self.w.page_title() != 'Cluster':
            raise WalkError('Alt+Right left Cluster for %r before its check passed' % self.w.page_title())
        kb.key('r', 'Alt')   # _Run Phase
        self.w.wait_phase_passed(2)
        self.next('Backend Image')

    def edit_first_word(self, prompt, length, word):
        kb = self.keyboard()
        self.tab_to(prompt, 'Gordon’s prompt')
        before = lib.text_of(prompt)
        # Tab leaves the prompt instead of typing a tab into it; Shift+Tab comes back.
        kb.move_focus('Tab')
        if same(kb.focus, prompt) or lib.text_of(prompt) != before:
            raise WalkError('Tab typed into Gordon’s prompt instead of moving on (focus: %s)' % kb.describe())
        kb.move_focus('Tab', 'Shift')
        if not same(kb.focus, prompt):
            raise WalkError('Shift+Tab did not come back to Gordon’s prompt (focus: %s)' % kb.describe())
        kb.key('Home', 'Control')
        kb.key('Right', 'Control', 'Shift')   # selects the first word
        kb.type(word)

    def answer_gordon(self, terminal):
        kb = self.keyboard()
        # A terminal takes Tab for the program in it: Ctrl+Tab leaves it forwards and
        # Ctrl+Shift+Tab backwards; Shift+Tab and Tab come back.
        for leave, back in ((('Tab', 'Control'), ('Tab', 'Shift')),
                            (('Tab', 'Control', 'Shift'), ('Tab',))):
            kb.move_focus(*leave)
            if same(kb.focus, terminal):
                raise WalkError('%s did not leave Gordon’s terminal' % '+'.join(reversed(leave)))
            left_to = kb.describe()
            kb.move_focus(*back)
            if not same(kb.focus, terminal):
                raise WalkError('%s did not come back to Gordon’s terminal from %s (focus: %s)'
                                % ('+'.join(reversed(back)), left_to, kb.describe()))
        super().answer_gordon(terminal)

    def after_gordon(self, page):
        # Once Gordon has written the Dockerfile, the next thing to do has the focus.
        kb = self.keyboard()
        wait_for('the focus to move to Accept when Gordon is done',
                 lambda: kb.pump() or (kb.focus is not None and spoken(kb.focus.get_name()).startswith('Accept')))


if __name__ == '__main__':
    # In dark mode: this walk's screenshots show every phase dark, the other walks' light.
    sys.exit(lib.run_walkthrough(KeyboardSteps, {'ADW_DEBUG_COLOR_SCHEME': 'prefer-dark'},
                                 prefix='td-keyboard-', open_project=False))
