"""Help: every key of the screen underneath, grouped by what it does."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

EXTRA_KEYS = (("ctrl+p", "Command palette: go to a section, change the theme"),)
"""Keys the app has that no binding of ours lists."""

NOT_LESSON_ACTIONS = frozenset({"command_palette", "focus_next", "focus_previous", "copy_text"})
"""Textual's own keys: moving focus and copying are not part of the lesson."""


def key_table(screen: Screen) -> Table:
    """Every key of ``screen`` and the app that works right now, one row per action.

    Only the lesson's own bindings count (a widget's scrolling or copying keys
    are not the lesson's); keys for the same action and arguments share a row,
    and the answers a–d share one too, as do the sections' numbers.
    """
    app = screen.app
    rows: dict[str, tuple[list[str], str]] = {}
    for node in (screen, app):
        for key, bindings in node._bindings.key_to_bindings.items():
            for binding in bindings:
                action, _, _ = binding.action.partition("(")
                if binding.system or action.rpartition(".")[2] in NOT_LESSON_ACTIONS:
                    continue
                if node is screen and screen.check_action(action, ()) is False:
                    continue
                # One row per action with its arguments (deeper and shallower are two rows),
                # except the answers a–d and the section numbers, which share one each.
                group = action if action in ("answer", "goto") else binding.action
                description = "Go to section 1 to 8" if action == "goto" else binding.description or action
                keys, _ = rows.setdefault(group, ([], description))
                display = app.get_key_display(binding.with_key(key))
                if display not in keys:
                    keys.append(display)
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for group, (keys, description) in rows.items():
        table.add_row(f"{keys[0]}–{keys[-1]}" if group == "goto" else ", ".join(keys), description)
    for key, description in EXTRA_KEYS:
        table.add_row(key, description)
    return table


class HelpScreen(ModalScreen[None]):
    """A list of the keys of the screen it was opened on; any of escape, ?, f1 or q closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 72; max-width: 95%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,question_mark,f1,q", "close", "Close help", key_display="esc")]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        """The title and the table of keys."""
        with VerticalScroll():
            yield Static(Text.assemble(("Keys on this screen", "bold"), ("   esc, ? or q closes this help", "dim")))
            yield Static(key_table(self.under), id="keys")

    def action_close(self) -> None:
        """Back to the lesson."""
        self.dismiss()
