"""Reading drawings in tests: a renderable as plain text, and each character's style."""

from __future__ import annotations

import io

from rich.console import Console, RenderableType
from rich.segment import Segment
from rich.text import Text

from backprop_tui.renderables.palette import THEME


def text_of(renderable: RenderableType, width: int = 80) -> str:
    """What ``renderable`` prints on a console ``width`` cells wide, colours left out."""
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None, theme=THEME)
    console.print(renderable)
    return console.export_text()


def segments(renderable: RenderableType, width: int = 80) -> list[Segment]:
    """The renderable's segments (with styles) on a true-colour console with the default meaning colours."""
    console = Console(width=width, file=io.StringIO(), color_system="truecolor", theme=THEME)
    return list(console.render(renderable))


def styles(text: Text) -> list[str]:
    """The style of each character of ``text`` (the last span covering it wins, as Rich draws it)."""
    out = [str(text.style)] * len(text.plain)
    for span in text.spans:
        for i in range(span.start, min(span.end, len(out))):
            out[i] = str(span.style)
    return out
