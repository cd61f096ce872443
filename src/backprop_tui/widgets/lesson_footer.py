"""The footer: Textual's, redrawn in the same frame as the step that changed its keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.screen import Screen


class LessonFooter(Footer):
    """Textual's Footer, but a change of keys is drawn together with the step that made it.

    The stock footer rebuilds itself only after the next refresh, so a step whose keys
    differ from the last one's paints twice: the body first, the footer a frame or two
    later. Rebuilding right after the key's handler, inside Textual's batch, puts both in
    one frame.
    """

    def bindings_changed(self, screen: Screen) -> None:
        """Rebuild the keys as soon as the handler that changed them returns."""
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_next(self.recompose)
