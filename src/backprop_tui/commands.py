"""The command palette's "Go to section" commands (ctrl+p)."""

from __future__ import annotations

from functools import partial
from typing import Protocol, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from backprop_tui.lesson.sections import SECTIONS


class _Lesson(Protocol):
    """What the palette needs of the app (named, not imported: the app imports this module)."""

    def goto(self, section: str, step: int | None = None) -> None: ...


class SectionCommands(Provider):
    """One command per section: "Go to section 3 · Forward pass"."""

    def _commands(self) -> list[tuple[str, str, str]]:
        return [(f"Go to section {s.place} ({s.id})", s.id, f"Jump to section {s.key} (key {s.key})") for s in SECTIONS]

    def _goto(self, section: str) -> None:
        """Open ``section`` in the lesson app."""
        cast(_Lesson, self.app).goto(section)

    async def discover(self) -> Hits:
        """List every section when the palette opens."""
        for text, section, help_text in self._commands():
            yield DiscoveryHit(text, partial(self._goto, section), help=help_text)

    async def search(self, query: str) -> Hits:
        """Sections whose title fuzzily matches ``query``."""
        matcher = self.matcher(query)
        for text, section, help_text in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(self._goto, section), help=help_text)
