"""Put text in a :class:`~textual.widgets.Static` only when it changed.

``Static.update`` always repaints and lays the screen out again, even for the same
words; a form or board that is redrawn on every step key would pay for that many
times over. Rich ``Text`` compares by its characters and styles, so an equal text
is left as it is.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


def show(static: Static, text: Text | str) -> None:
    """Give ``static`` this ``text``, unless it shows an equal one already."""
    if static.content != text:
        static.update(text)
