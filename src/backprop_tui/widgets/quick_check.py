"""A quick check: a question, four options answered with a–d, then the answer explained."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from backprop_tui.lesson.quiz import LETTERS, Question
from backprop_tui.renderables import palette


class QuickCheck(Widget):
    """Shows ``question``; once ``chosen`` is set, marks it right or wrong and explains.

    The words "Right" and "Not quite" carry the verdict, so it reads without colour.
    """

    DEFAULT_CSS = """
    QuickCheck { height: auto; padding: 1 2; }
    """

    question: reactive[Question | None] = reactive(None)
    """The question on show."""
    chosen: reactive[str | None] = reactive(None)
    """The letter the learner picked last, or ``None`` before answering."""
    first: reactive[str | None] = reactive(None)
    """The learner's first (scored) answer, if any."""
    number: reactive[str] = reactive("")
    """e.g. ``1 of 2`` when a section has several checks."""
    cursor: reactive[int | None] = reactive(None)
    """The option under the ↑/↓ cursor (enter answers it), or ``None`` before the arrows are used."""

    def watch_question(self) -> None:
        """A new question: no option under the cursor yet."""
        self.cursor = None

    def render(self) -> Group | Text:
        """The question, its options, and (once answered) the verdict and explanation."""
        q = self.question
        if q is None:
            return Text("")
        head = Text("Quick check", style="bold reverse")
        if self.number:
            head.append(f"  {self.number}", style="dim")
        parts: list[Text | Table] = [head, Text(""), Text(q.prompt, style="bold"), Text("")]
        options = Table.grid(padding=(0, 1))
        options.add_column(no_wrap=True)
        options.add_column()
        for i, (letter, option) in enumerate(zip(LETTERS, q.options)):
            style, mark = "", "▸" if i == self.cursor else " "
            if self.chosen is not None:
                if letter == q.answer:
                    style, mark = palette.style("right", bold=True), "✓"
                elif letter == self.chosen:
                    style, mark = palette.style("wrong"), "✗"
            options.add_row(Text.assemble(mark, " ", (f"{letter})", "bold")), Text(option, style=style))
        parts.append(options)
        parts.append(Text(""))
        if self.chosen is None:
            parts.append(Text("Press a, b, c or d to answer (or pick one with ↑/↓ and press enter).", style="dim"))
        else:
            if q.is_correct(self.chosen):
                verdict = ("✓ Right. ", palette.style("right", bold=True))
            else:
                verdict = (f"✗ Not quite: the answer is {q.answer}). ", palette.style("wrong", bold=True))
            parts.append(Text.assemble(verdict, q.explanation))
            if self.first is not None and self.first != self.chosen:
                parts.append(Text(f"Only your first answer ({self.first}) counts for the score.", style="dim"))
            parts.append(Text(""))
            parts.append(Text("Press n to go on.", style="dim"))
        return Group(*parts)
