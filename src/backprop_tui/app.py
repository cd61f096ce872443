"""The lesson app: one screen per section, the keys of DESIGN §4, progress saved as you go."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from time import monotonic
from typing import TYPE_CHECKING

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.color import Color, ColorParseError
from textual.screen import Screen
from textual.theme import Theme

from backprop_tui.commands import SectionCommands
from backprop_tui.lesson.sections import BY_ID, SECTION_IDS, SECTIONS, neighbour
from backprop_tui.progress.identity import FALLBACK_NAME, login_name
from backprop_tui.renderables import palette
from backprop_tui.screens import screen_class

if TYPE_CHECKING:
    from backprop_tui.progress.store import ProgressStore
    from backprop_tui.screens.base import SectionScreen

HIGH_CONTRAST = Theme(
    name="high-contrast",
    primary="#ffff00",
    secondary="#00ffff",
    accent="#ff00ff",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#1c1c1c",
    success="#00ff00",
    warning="#ffff00",
    error="#ff4040",
    boost="#303030",
    dark=True,
)
"""Pure colours on black, for projectors and tired eyes (also in the palette's theme list)."""

DEFAULT_THEME = "textual-dark"
"""The theme the app starts in (Textual's default)."""

WARM_UP_AFTER = 0.5
"""Seconds after start-up to import the engine in the background."""

IDLE_CAP = 300.0
"""At most this many seconds count as time spent between two key presses (or ticks of a running training)."""

SAVE_TIME_EVERY = 15.0
"""Seconds between saves of the time spent, so a lesson that is cut off loses at most this much."""

PROGRESS_KEPT = "Your progress is being kept: the progress database can't be reached, and it will be saved when it is back."
"""Said once when a shared progress database goes away mid-lesson (its writes are held, not lost)."""

TRAINING_GROUP = "train"
"""The worker group of a training run: while one runs, the learner is watching, not idle."""


def _import_engine() -> None:
    """Import numpy, the engine and the training loop (run in a thread: the learner is reading meanwhile),
    then keep the collector off everything loaded so far.

    numpy.random (10–20 ms) is loaded by the first network that is built and the scroll bar by the
    first long page: done here, neither is paid on a step key. ``gc.freeze()`` moves the objects of
    every import and of the first screen out of the collector's sight: they live as long as the app,
    and a full collection that walked them all took about 50 ms, in the middle of a step key.
    """
    import numpy.random  # noqa: F401
    import textual.scrollbar  # noqa: F401

    import backprop_tui.engine.chain  # noqa: F401
    import backprop_tui.engine.network  # noqa: F401
    import backprop_tui.engine.numeric  # noqa: F401
    import backprop_tui.models.training  # noqa: F401

    gc.freeze()


class BackpropApp(App[None]):
    """backprop-tui: the lesson, section by section, with the keyboard.

    Args:
        section: open this section instead of where the learner left off.
        learner: the learner's name (default: the login name).
        store: where progress lives (default: the data directory's store).
        playground: a share code: the playground (section 7) opens with that set-up.
        served: the lesson runs for a student of ``backprop-tui serve``: nothing it offers may
            touch the server's files beyond this learner's progress.
    """

    CSS_PATH = "app.tcss"
    TITLE = "backprop-tui"
    COMMANDS = App.COMMANDS | {SectionCommands}
    BINDINGS = [
        Binding("right_square_bracket,pagedown", "next_section", "Next section", key_display="]", show=False),
        Binding("left_square_bracket,pageup", "previous_section", "Previous section", key_display="[", show=False),
        *(
            Binding(str(s.key), f"goto('{s.id}')", f"Go to {s.title}", show=False)
            for s in SECTIONS
        ),
        Binding("question_mark,f1", "help", "Help", key_display="?"),
        Binding("h,H", "raise_hand", "Raise or lower your hand", show=False),
        Binding("backspace", "jump_back", "Back to where you jumped from", show=False),
        Binding("q,Q", "quit", "Quit"),
        # ctrl+c quits, as in every terminal program (Textual's own only says how to quit);
        # with priority, so a box that would copy with it does not keep the learner in.
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
        Binding("ctrl+z", "suspend", "Suspend", show=False, priority=True),
    ]

    def __init__(
        self,
        section: str | None = None,
        learner: str | None = None,
        store: ProgressStore | None = None,
        playground: str | None = None,
        served: bool = False,
    ) -> None:
        super().__init__()
        self.served = served
        """A student of ``serve``: certificates stay on the server and are shown, not written for them."""
        self.start_section = section
        self.playground = playground
        """A playground share code to open with (the playground screen reads it when it mounts)."""
        self.learner = (learner or login_name()).strip() or FALLBACK_NAME
        notice = None
        if store is None:
            from backprop_tui.progress.store import open_store

            store, notice = open_store()
        self.store: ProgressStore = store
        """Where progress lives: always a store (in memory, with a notice, if no file can be used)."""
        self._notice = notice
        self._told_unsaved = notice is not None  # the notice says it already
        self._last_activity = monotonic()
        self._unsaved_seconds = 0.0
        """Time spent that is not in the store yet (see :meth:`note_activity`)."""
        self._said: dict[str, float] = {}
        self._jumped_from: tuple[str, int] | None = None
        """Where the learner was before the last jump by section (1–8, [ or ]): backspace goes back."""
        self.console.push_theme(palette.THEME)  # meanings' colours (see renderables/palette.py)

    # -- the command palette and notices ---------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's palette commands that make sense in a lesson: the theme and quitting.

        (Its key panel lists widget keys rather than the lesson's, which ``?`` shows;
        its screenshot goes to the working directory, which over SSH is the server's.)
        """
        for command in super().get_system_commands(screen):
            if command.title in ("Theme", "Quit"):
                yield command

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While the terminal is too small for the lesson, only help and quit work."""
        screen = self.section_screen
        if screen is not None and screen.has_class("-too-small") and action not in ("quit", "help"):
            return False
        return True

    def action_raise_hand(self) -> None:
        """Raise the learner's hand, or lower it: saved with their progress, shown to the teacher's class view."""
        raised = not self.store.hand_raised(self.learner)
        self.store.set_hand(self.learner, raised)
        screen = self.section_screen
        if screen is not None:
            screen.show_hand(raised)
        if raised:
            self.say("Your hand is up: your teacher sees it in the class view. h lowers it.", timeout=5)
        else:
            self.say("Your hand is down.")

    def say(self, message: str, timeout: float = 3) -> None:
        """Notify once: the same message pressed for again while it is still showing is not stacked."""
        now = monotonic()
        if self._said.get(message, 0.0) > now:
            return
        self._said[message] = now + timeout
        self.notify(message, timeout=timeout)

    # -- start and stop ----------------------------------------------------------

    def get_default_screen(self) -> Screen:
        """The section to start at is the app's first screen: no empty frame is drawn before it.

        Where the learner left off (in the store) decides the section.
        """
        section, step = self.start_section, 0
        saved = self.store.position(self.learner)
        if section is None and saved is not None and saved[0] in BY_ID:
            section, step = saved
        section = section or SECTION_IDS[0]
        screen = screen_class(section)()
        screen.start_step = step
        self.install_screen(screen, name=section)
        return screen

    def on_mount(self) -> None:
        """Say what went wrong opening the store, if anything; count the first visit; warm up."""
        self.register_theme(HIGH_CONTRAST)
        self.theme_changed_signal.subscribe(self, self._recolour)
        if self._notice:
            self.notify(self._notice, severity="warning", timeout=12)
        self.call_after_refresh(self._count_first_visit)  # written once the first frame is out
        # The engine (and numpy) load in the background once the first frame is out, so the
        # first step that needs them does not wait a quarter of a second.
        self.set_timer(WARM_UP_AFTER, self._warm_up)
        self.set_interval(SAVE_TIME_EVERY, self._save_time)

    async def on_event(self, event: events.Event) -> None:
        """Every key press and click counts as time spent in the lesson (and is saved within a second)."""
        if isinstance(event, (events.Key, events.MouseDown)):
            self.note_activity()
            if self._unsaved_seconds >= 1.0:
                self.save_time()
        await super().on_event(event)

    def _save_time(self) -> None:
        """Every few seconds: a running training is activity too; save the time spent so far."""
        if any(w.group == TRAINING_GROUP and w.is_running for w in self.workers):
            self.note_activity()
        self.save_time()

    def _count_first_visit(self) -> None:
        screen = self.section_screen
        if screen is not None:
            self.store.visit(self.learner, screen.SECTION_ID)
            self.save_position(screen.SECTION_ID, screen.step)

    def meaning_colours(self) -> dict[str, str]:
        """Each meaning's colour in the current theme: the terminal's ANSI colours in the default
        theme, the theme's own success, warning, error, primary … colours in any other."""
        if self.theme == DEFAULT_THEME:
            return dict(palette.COLOURS)
        variables = self.get_css_variables()
        background = Color.parse(variables.get("background", "#000000"))
        colours = {}
        for meaning, role in palette.THEME_ROLES.items():
            try:
                colour = Color.parse(variables[role])
            except (KeyError, ColorParseError):
                colours[meaning] = palette.COLOURS[meaning]
                continue
            if colour.a < 1:  # a translucent colour, as it shows on the background
                colour = background.blend(colour.with_alpha(1), colour.a)
            colours[meaning] = colour.hex6
        return colours

    def _recolour(self, theme: Theme) -> None:
        """A new theme: the meanings take its colours, and the section on show is drawn again with them."""
        self.console.pop_theme()
        self.console.push_theme(palette.rich_theme(self.meaning_colours()))
        screen = self.section_screen
        if screen is not None and screen.is_mounted and screen.question is None:
            screen.recolour()

    def _warm_up(self) -> None:
        self.run_worker(_import_engine, thread=True, exclusive=True, group="warm-up", exit_on_error=False)

    def on_unmount(self) -> None:
        """Count the last stretch of time and close the store."""
        self.record_activity()
        self.store.close()

    # -- navigation ----------------------------------------------------------------

    @property
    def section_screen(self) -> SectionScreen | None:
        """The section on screen (under any help or palette on top), if any."""
        from backprop_tui.screens.base import SectionScreen

        for screen in reversed(self.screen_stack):
            if isinstance(screen, SectionScreen):
                return screen
        return None

    def goto(self, section: str, step: int | None = None) -> None:
        """Show ``section`` (at ``step``, if given; else where it was left this session)."""
        while len(self.screen_stack) > 1 and self.screen is not self.section_screen:
            self.pop_screen()  # close help or the palette first
        if not self.is_screen_installed(section):
            self.install_screen(screen_class(section)(), name=section)
        screen: SectionScreen = self.get_screen(section)  # type: ignore[assignment]
        if screen.is_mounted:
            if step is not None:
                screen.go_to_step(step)
        else:
            screen.start_step = step or 0
        # The first section is the app's base screen and cannot be switched away: others go on top.
        stack = self.screen_stack
        if screen is self.screen:
            pass
        elif screen is stack[0]:
            self.pop_screen()
        elif len(stack) == 1:
            self.push_screen(section)
        else:
            self.switch_screen(section)
        self.store.visit(self.learner, section)
        self.save_position(section, screen.step if screen.is_mounted else screen.start_step)

    def save_position(self, section: str, step: int) -> None:
        """Remember where the learner is, and count the time since the last key."""
        self.store.set_position(self.learner, section, step)
        self.record_activity()
        if self.store.last_error and not self._told_unsaved:
            self._told_unsaved = True
            from backprop_tui.progress.queries import KEPT

            if self.store.last_error == KEPT:  # a shared database away for a while: nothing is lost
                self.notify(PROGRESS_KEPT, severity="information", timeout=8)
            else:
                self.notify(f"Progress couldn't be saved ({self.store.last_error}).", severity="warning", timeout=8)

    def note_activity(self) -> None:
        """The learner is here: the time since the last sign of them counts, up to :data:`IDLE_CAP`
        (so a lunch break doesn't). Kept in memory until :meth:`save_time`."""
        now = monotonic()
        self._unsaved_seconds += min(now - self._last_activity, IDLE_CAP)
        self._last_activity = now

    def save_time(self) -> None:
        """Write the time spent that the store doesn't have yet."""
        if self._unsaved_seconds > 0:
            seconds, self._unsaved_seconds = self._unsaved_seconds, 0.0
            self.store.add_time(self.learner, seconds)

    def record_activity(self) -> None:
        """Count the time since the last activity and save it now."""
        self.note_activity()
        self.save_time()

    def action_goto(self, section: str) -> None:
        """Jump to a section by id, where the learner was in it (backspace comes back)."""
        self.jump(section)

    def jump(self, section: str) -> None:
        """A jump by section key: it resumes the section where it was left, and can be undone."""
        current = self.section_screen
        if current is None or current.SECTION_ID == section:
            return
        self._jumped_from = (current.SECTION_ID, current.step)
        self.goto(section)
        self.say(f"Section {BY_ID[section].place}. backspace goes back to where you were.")

    def action_jump_back(self) -> None:
        """Back to the exact step the last section jump left."""
        if self._jumped_from is None:
            self.say("backspace goes back after a jump with 1–8, [ or ]: there has been none.")
            return
        section, step = self._jumped_from
        self._jumped_from = None
        self.goto(section, step)

    def action_next_section(self) -> None:
        """On to the next section, where it was left (from the finish: nowhere)."""
        current = self.section_screen
        nxt = neighbour(current.SECTION_ID, 1) if current else None
        if nxt is not None:
            self.jump(nxt)
        else:
            self.say("This is the last section.")

    def action_previous_section(self) -> None:
        """Back to the section before, where it was left."""
        current = self.section_screen
        prev = neighbour(current.SECTION_ID, -1) if current else None
        if prev is not None:
            self.jump(prev)
        else:
            self.say("This is the first section.")

    def action_suspend(self) -> None:
        """ctrl+z: back to the shell where that is safe; a served lesson says why it stays."""
        if self.served:
            self.say("ctrl+z does nothing here: a lesson over SSH can't be suspended. q quits and keeps your place.")
            return
        if self._driver is None or not self._driver.can_suspend:  # no job control here
            self.say("ctrl+z can't suspend the lesson here. q quits and keeps your place.")
            return
        self.action_suspend_process()

    def action_help(self) -> None:
        """Show every key of the current screen."""
        from backprop_tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))
