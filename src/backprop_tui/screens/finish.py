"""Section 8 — the key takeaway, the learner's results, and the certificate.

The results show the sections visited, the first-try score against the pass
mark, every exercise (solved or not, and its attempts) and the time spent. The
certificate needs the pass mark (:attr:`~backprop_tui.progress.results.Results.passed`);
until then the screen names every thing still to do, and says honestly when the
first-try score can no longer reach the mark (a first try can't be taken again)
and how to start over. It is written the first time the results are shown with
the pass mark reached (and again when the stored one is of an older format); ``c``
writes it again with the time spent so far. It is signed with the
installation's key; the screen shows what the certificate file states, read back.

Copyable things (the key, the signature, the files' paths, the command that
checks them) each stand whole on a line of their own, never wrapped in the
middle; where one can't fit the window, the screen says so and where to find it.

For a student of ``serve`` the files stay on the server, in the student's own
folder of its data directory (where the teacher checks them with
``backprop-tui verify``), and nothing is written anywhere else: the screen
shows the whole certificate, its signature and the key's fingerprint instead
of where the files went.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from backprop_tui.lesson.sections import SECTIONS
from backprop_tui.lesson.texts import TAKEAWAY
from backprop_tui.renderables.palette import style
from backprop_tui.screens.base import SectionScreen
from backprop_tui.screens.steps import step

if TYPE_CHECKING:
    from backprop_tui.progress.records import CertificateRecord
    from backprop_tui.progress.results import Results

INDENT = 2
"""Copyable lines stand this many cells in from their label."""


class FinishScreen(SectionScreen):
    """The key takeaway, then the results and the certificate."""

    SECTION_ID = "finish"
    STEPS = (step("takeaway", "Key takeaway"), step("results", "Your results", keys="certificate scroll_results"))

    BINDINGS = [
        Binding("c", "certificate", "Certificate"),
        Binding("down", "scroll_results(1)", "Scroll the results down", show=False),
        Binding("up", "scroll_results(-1)", "Scroll the results up", show=False),
    ]

    def compose_body(self) -> ComposeResult:
        """A heading, the text or the results, the certificate's status."""
        yield Static(id="heading")
        yield Static(id="prose", classes="prose")
        yield Static(id="certificate", classes="prose")

    passed = False
    """Whether the results on show reach the pass mark (read when they are drawn: Textual asks
    whether ``c`` works many times a key, and each answer would read the store again)."""

    def allows(self, action: str) -> bool:
        """``c`` (on the results) only once the pass mark is reached."""
        return action != "certificate" or self.passed

    def results(self) -> Results:
        """The learner's results, fresh from the store."""
        from backprop_tui.progress.store import results

        return results(self.app.store, self.app.learner)

    def draw_takeaway(self) -> None:
        """The key takeaway."""
        self.query_one("#heading", Static).update(Text("The key takeaway", style="bold"))
        self.query_one("#prose", Static).update(TAKEAWAY)
        self.query_one("#certificate", Static).display = False

    def draw_results(self) -> None:
        """The results with the certificate (signed now if the pass mark is reached and none of this format is kept)."""
        heading = self.query_one("#heading", Static)
        prose = self.query_one("#prose", Static)
        cert = self.query_one("#certificate", Static)
        heading.update(Text(f"Your results, {self.app.learner}", style="bold"))
        self.app.store.visit(self.app.learner, self.SECTION_ID)  # on show: visited, even before the app notes it
        results = self.results()
        self.passed = results.passed
        prose.update(self.table(results))
        cert.display = True
        record = self.app.store.certificate(self.app.learner)
        if results.passed and (record is None or outdated(record.txt_path)):
            self.action_certificate()
        else:
            cert.update(self.certificate_text(results, record))

    def table(self, results: Results) -> Group:
        """Each section ticked or not, the quick-check score against the pass mark, the exercises, the time spent."""
        from backprop_tui.progress.certificate import format_duration
        from backprop_tui.progress.results import PASS_PERCENT

        seen = set(results.visited)
        grid = Table.grid(padding=(0, 2))
        grid.add_column()
        grid.add_column()
        for a, b in zip(SECTIONS[:4], SECTIONS[4:]):
            grid.add_row(*(tick(s.key, s.title, s.id in seen) for s in (a, b)))
        sections = Text.assemble(("Sections      ", "bold"), f"{len(results.visited)} of {results.sections_total} visited")
        needed = results.first_try_needed
        score = Text.assemble(
            ("Quick checks  ", "bold"),
            f"{results.score} of {results.questions_total} right on the first try",
            (f", {needed} needed ({PASS_PERCENT} %)", "" if results.score >= needed else "bold"),
            f"; {results.answered} answered" if results.answered < results.questions_total else "",
        )
        time = Text.assemble(("Time spent    ", "bold"), format_duration(results.seconds))
        return Group(sections, grid, Text(""), score, *self.exercises(results), time)

    def exercises(self, results: Results) -> list[RenderableType]:
        """``Exercises  3 of 5 solved (section 4 …)``, then each exercise: ticked or not, and its attempts."""
        if not results.exercises:
            return []
        places = {e.section for e in results.exercises}
        where = f" (section {next(iter(places)).key} {next(iter(places)).title})" if len(places) == 1 else ""
        line = Text.assemble(
            ("Exercises     ", "bold"), f"{results.exercises_solved} of {len(results.exercises)} solved{where}"
        )
        grid = Table.grid(padding=(0, 2))
        grid.add_column()
        grid.add_column()
        for e in results.exercises:
            title = e.title if len(places) == 1 else f"{e.title} (section {e.section.key})"
            mark = ("✓ ", style("done", bold=True)) if e.solved else ("· ", "dim")
            grid.add_row(Text.assemble(mark, title), Text(e.status, style="" if e.solved else "dim"))
        return [line, grid]

    def certificate_text(self, results: Results, record: CertificateRecord | None) -> RenderableType:
        """The certificate (a store record) as issued, or the pass mark and every thing left to reach it."""
        from backprop_tui.progress.results import PASS_PERCENT

        if record is not None and results.passed:
            return self.issued(record.txt_path, record.svg_path)
        needs = (
            f"It needs every section visited, every quick check answered, at least {results.first_try_needed} of the "
            f"{results.questions_total} right at the first try ({PASS_PERCENT} %), and "
            + (f"all {len(results.exercises)} exercises solved." if len(results.exercises) > 1 else "the exercise solved.")
        )
        todo = Table.grid(padding=(0, 1))
        todo.add_column(no_wrap=True)
        todo.add_column()
        for item in results.missing:
            todo.add_row("•", Text(item))  # an exercise title such as ∂L/∂z[h1] is text, not markup
        if not results.score_in_reach:
            todo.add_row("", Text(self.start_over(), style="bold"))
        parts: list[RenderableType] = [
            Text.assemble(("Certificate", "bold"), "  not earned yet"),
            Text(needs + " Still to do:"),
            todo,
        ]
        if record is not None:
            parts.append(
                Text(f"An earlier certificate of yours, issued {record.issued_at}, is kept; a new one needs the pass mark.",
                     style="dim")
            )
        return Group(*parts)

    def start_over(self) -> str:
        """How this learner starts the lesson over: ``backprop-tui reset`` here, or the teacher's for a served one."""
        if self.app.served:
            name = shlex.quote(self.app.learner)
            return (
                "To start over, ask your teacher to clear your progress: on the server they type "
                f"backprop-tui reset --name {name}"
            )
        return "To start over: quit and type backprop-tui reset (it asks first, then clears your progress and only yours)."

    def issued(self, txt_path: Path, svg_path: Path) -> RenderableType:
        """The certificate in ``txt_path``, read back: its signer, signature and what it states, and where it is
        (for a served student, where it is kept, and the whole certificate instead of paths)."""
        from backprop_tui.progress.certificate import render_certificate, served_directory
        from backprop_tui.progress.certificate_facts import SIGNATURE_CHUNK, WIDTH
        from backprop_tui.progress.signing import NotValid, read_certificate

        served = self.app.served
        again = Text("Press c to sign it again with your latest time.", style="dim")
        try:
            if served and not inside(txt_path, served_directory(self.app.learner)):
                raise NotValid("it was not issued here")
            facts, signature = read_certificate(txt_path)
        except NotValid as error:
            return Group(Text.assemble(("Certificate", "bold reverse"), f"  can't be shown: {error}"), again)
        whose = "the server's key" if served else "this installation's key"
        halves = Group(
            *(copyable(signature[i : i + SIGNATURE_CHUNK]) for i in range(0, len(signature), SIGNATURE_CHUNK)),
            Text("(the signature, in two lines as the certificate prints it)", style="dim"),
        )
        head: list[RenderableType] = [
            Text.assemble(("Certificate", "bold reverse"), f"  signed by {whose}"),
            Text("Key", style="bold"),
            copyable(facts.signer),
            Text("Signature", style="bold"),
            copyable(signature, fallback=halves),
        ]
        if served:
            where = Text(
                "It is kept on the server, where your teacher can check it with backprop-tui verify; "
                "the key's fingerprint is the one your SSH client showed when you first connected."
            )
            narrow = Text(
                f"The certificate is {WIDTH} columns wide: widen the window to see it here. It is kept whole on the server.",
                style="dim",
            )
            return Group(*head, where, Fits(render_certificate(facts, signature), WIDTH, narrow), again)
        states: list[RenderableType] = [Text(" " * INDENT + line) for line in facts.fact_lines()]
        return Group(
            *head,
            Text("It states", style="bold"),
            *states,
            Text("Saved as", style="bold"),
            copyable(display_path(svg_path)),
            copyable(display_path(txt_path)),
            Text("Check it with", style="bold"),
            check_command(txt_path),
            again,
        )

    def action_scroll_results(self, lines: int) -> None:
        """↓/↑ on the results: scroll them, so the certificate below can be read without a mouse."""
        body = self.query_one("#body")
        body.scroll_to(y=body.scroll_y + lines * 3, animate=False)

    def action_certificate(self) -> None:
        """Sign and write the certificate (SVG and text), then show it: a served student's stays in
        their folder of the server's data directory, and nowhere else."""
        from backprop_tui.progress.certificate import CertificateError, served_directory, write_certificate

        results = self.results()
        cert = self.query_one("#certificate", Static)
        learner = self.app.learner
        folder = served_directory(learner) if self.app.served else None
        try:
            written = write_certificate(self.app.store, learner, results, directory=folder)
        except (CertificateError, ValueError) as error:  # both carry sentences for the learner
            cert.update(Text(str(error), style="bold"))
            return
        cert.update(self.issued(written.txt_path, written.svg_path))
        self.notify("Certificate signed and kept on the server." if self.app.served else "Certificate saved.", timeout=4)


class Fits:
    """``content`` where the width allows ``need`` cells, else ``fallback`` (which says what is missing)."""

    def __init__(self, content: RenderableType, need: int, fallback: RenderableType) -> None:
        self.content = content
        self.need = need
        self.fallback = fallback

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """The content or the fallback, by the width on offer."""
        yield self.content if self.need <= options.max_width else self.fallback

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        """As wide as the content where it fits."""
        return Measurement(min(self.need, options.max_width), self.need)


def copyable(text: str, *, style: str = "bold", fallback: RenderableType | None = None) -> Fits:
    """``text`` whole on a line of its own (indented), never wrapped: where it can't fit, ``fallback``, by
    default the line cut at its start (so a file's name shows) and how wide the window must be to show it."""
    need = INDENT + cell_len(text)
    if fallback is None:
        fallback = Cut(text, style, need)
    return Fits(Text(" " * INDENT + text, style=style, no_wrap=True, overflow="crop"), need, fallback)


class Cut:
    """A copyable line too wide for the window: its end, after ``…``, and a note that the whole needs ``need`` cells."""

    def __init__(self, text: str, style: str, need: int) -> None:
        self.text = text
        self.style = style
        self.need = need

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """The end of the line that fits, then the note."""
        room = max(options.max_width - INDENT - 1, 1)
        yield Text(" " * INDENT + "…" + tail(self.text, room), style=self.style, no_wrap=True, overflow="crop")
        yield Text(
            f"{' ' * INDENT}(cut to fit: the whole line needs {self.need} columns; widen the window to copy it)",
            style="dim",
        )


def check_command(txt_path: Path) -> Fits:
    """``backprop-tui verify PATH`` whole on one line; where that can't fit, the same in two shorter
    commands (``cd`` to the folder, then verify the file by its name)."""
    file = txt_path.name
    name = (f'"{file}"' if " " in file else file) if os.name == "nt" else shlex.quote(file)
    two_steps = Group(copyable(f"cd {shell_path(txt_path.parent)}"), copyable(f"backprop-tui verify {name}"))
    return copyable(f"backprop-tui verify {shell_path(txt_path)}", fallback=two_steps)


def tail(text: str, cells: int) -> str:
    """The end of ``text`` that takes at most ``cells`` cells."""
    start = len(text)
    while start > 0 and cell_len(text[start - 1 :]) <= cells:
        start -= 1
    return text[start:]


def home_relative(path: Path) -> str | None:
    """``path`` below the home folder, as a POSIX-style relative path, or ``None`` (elsewhere, or no home)."""
    if os.name == "nt":
        return None
    try:
        rest = path.relative_to(Path.home())
    except (ValueError, RuntimeError, KeyError):
        return None
    return None if str(rest) == "." else rest.as_posix()


def display_path(path: Path) -> str:
    """``path`` as a person reads it: ``~/…`` below the home folder."""
    rest = home_relative(path)
    return str(path) if rest is None else f"~/{rest}"


def shell_path(path: Path) -> str:
    """``path`` as typed in a shell: ``~/…`` below the home folder, quoted where a shell needs it
    (``~/'Library/Application Support/…'``: the ``~`` stays outside the quotes, so the shell expands it)."""
    rest = home_relative(path)
    if os.name == "nt":
        return f'"{path}"' if " " in str(path) else str(path)
    return shlex.quote(str(path)) if rest is None else "~/" + shlex.quote(rest)


def outdated(txt_path: Path) -> bool:
    """Whether the certificate in ``txt_path`` reads back in an older format than the one written now
    (a file that can't be read is not outdated: the screen says why it can't be shown)."""
    from backprop_tui.progress.certificate_facts import FORMAT
    from backprop_tui.progress.signing import NotValid, read_certificate

    try:
        facts, _ = read_certificate(txt_path)
    except NotValid:
        return False
    return facts.version != FORMAT


def inside(path: Path, folder: Path) -> bool:
    """``path`` is in ``folder`` once links are followed (a path that can't be resolved is not)."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # RuntimeError: a loop of symbolic links
        return False


def tick(key: int, title: str, done: bool) -> Text:
    """``✓ 3 Forward pass`` or ``· 3 Forward pass (not yet)``: the word carries it without colour."""
    if done:
        return Text.assemble(("✓ ", style("done", bold=True)), f"{key} {title}")
    return Text.assemble(("· ", "dim"), f"{key} {title}", (" (not yet)", "dim"))
