"""Help: every key of the screen underneath, grouped by what it does."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

EXTRA_KEYS = (
    ("ctrl+p", "Command palette: go to a section, change the theme"),
    ("ctrl+q", "Quit (progress is already saved)"),
)


def key_table(screen: Screen) -> Table:
    """A table of every active key of ``screen`` (shown or not in the footer), one row per action."""
    app = screen.app
    rows: dict[str, tuple[list[str], str]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if binding.system:
            continue
        description = binding.tooltip or binding.description or binding.action
        keys, _ = rows.setdefault(binding.action, ([], description))
        display = app.get_key_display(binding.with_key(key))
        if display not in keys:
            keys.append(display)
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for keys, description in rows.values():
        table.add_row(", ".join(keys), description)
    for key, description in EXTRA_KEYS:
        if key not in {k for keys, _ in rows.values() for k in keys}:
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
            yield Static(Text("Keys on this screen", style="bold"))
            yield Static(key_table(self.under), id="keys")
            yield Static(Text("esc, ? or q closes this help.", style="dim"))

    def action_close(self) -> None:
        """Back to the lesson."""
        self.dismiss()
