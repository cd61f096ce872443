"""Section 8 — the key takeaway, the learner's results, and the certificate.

The certificate is written the first time the results are shown with the
whole lesson done (every section visited, every quick check answered); ``c``
writes it again with the time spent so far. It is signed with the
installation's key; the screen shows the signer's fingerprint and the whole
signature.

For a student of ``serve`` the files stay on the server, in the student's own
folder of its data directory (where the teacher checks them with
``backprop-tui verify``), and nothing is written anywhere else: the screen
shows the whole certificate, its signature and the key's fingerprint instead
of where the files went.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from backprop_tui.lesson.sections import SECTIONS
from backprop_tui.lesson.texts import TAKEAWAY
from backprop_tui.renderables.palette import style
from backprop_tui.screens.base import SectionScreen, step

MAX_MISSING = 4
"""At most this many unfinished items are listed; the rest are counted."""


class FinishScreen(SectionScreen):
    """The key takeaway, then the results and the certificate."""

    SECTION_ID = "finish"
    STEPS = (step("takeaway", "Key takeaway"), step("results", "Your results", keys="certificate"))

    BINDINGS = [Binding("c", "certificate", "Certificate")]

    def compose_body(self) -> ComposeResult:
        """A heading, the text or the results, the certificate's status."""
        yield Static(id="heading")
        yield Static(id="prose", classes="prose")
        yield Static(id="certificate", classes="prose")

    def allows(self, action: str) -> bool:
        """``c`` (on the results) only once the lesson is complete."""
        return action != "certificate" or self.results().complete

    def results(self):  # noqa: ANN201 - Results, imported lazily
        """The learner's results, fresh from the store."""
        from backprop_tui.progress.store import results

        return results(self.app.store, self.app.learner)

    def draw_takeaway(self) -> None:
        """The key takeaway."""
        self.query_one("#heading", Static).update(Text("The key takeaway", style="bold"))
        self.query_one("#prose", Static).update(TAKEAWAY)
        self.query_one("#certificate", Static).display = False

    def draw_results(self) -> None:
        """The results with the certificate."""
        heading = self.query_one("#heading", Static)
        prose = self.query_one("#prose", Static)
        cert = self.query_one("#certificate", Static)
        heading.update(Text(f"Your results, {self.app.learner}", style="bold"))
        results = self.results()
        prose.update(self.table(results))
        cert.display = True
        record = self.app.store.certificate(self.app.learner)
        if results.complete and record is None:
            self.action_certificate()
        else:
            cert.update(self.certificate_text(results, record))

    def table(self, results) -> Group:  # noqa: ANN001
        """Each section ticked or not, the quick-check score and the time spent."""
        from backprop_tui.progress.certificate import format_duration

        seen = set(results.visited)
        grid = Table.grid(padding=(0, 2))
        grid.add_column()
        grid.add_column()
        for a, b in zip(SECTIONS[:4], SECTIONS[4:]):
            grid.add_row(*(tick(s.key, s.title, s.id in seen) for s in (a, b)))
        score = Text.assemble(
            ("Quick checks  ", "bold"),
            f"{results.score} of {results.questions_total} right on the first try",
            f"  ({results.answered} answered)" if results.answered < results.questions_total else "",
        )
        time = Text.assemble(("Time spent    ", "bold"), format_duration(results.seconds))
        sections = Text.assemble(("Sections      ", "bold"), f"{len(results.visited)} of {results.sections_total} visited")
        return Group(sections, grid, Text(""), score, time)

    def certificate_text(self, results, record) -> RenderableType:  # noqa: ANN001
        """The certificate (a store record or a fresh one) as issued, or what is left to earn it."""
        if record is not None and results.complete:
            return self.issued(record.txt_path, record.svg_path)
        missing = results.missing
        listed = ", ".join(missing[:MAX_MISSING])
        more = f", and {len(missing) - MAX_MISSING} more" if len(missing) > MAX_MISSING else ""
        return Text.assemble(
            ("Certificate", "bold"),
            "\nVisit every section and answer every quick check to earn it. Still to do: ",
            listed + more + ".",
        )

    def issued(self, txt_path: Path, svg_path: Path) -> RenderableType:
        """The certificate in ``txt_path``, read back: its signer and signature, and where it is
        (for a served student, where it is kept, and the whole certificate instead of paths)."""
        from backprop_tui.progress.certificate import render_certificate, served_directory
        from backprop_tui.progress.signing import NotValid, read_certificate

        served = self.app.served
        again = "Press c to sign it again with your latest time."
        try:
            if served and not inside(txt_path, served_directory(self.app.learner)):
                raise NotValid("it was not issued here")
            facts, signature = read_certificate(txt_path)
        except NotValid as error:
            return Text.assemble(("Certificate", "bold reverse"), f"  can't be shown: {error}\n", (again, "dim"))
        whose = "the server's key" if served else "this installation's key"
        head = Text.assemble(
            ("Certificate", "bold reverse"), f"  signed by {whose}\n",
            ("Key       ", "bold"), facts.signer, "\n",
            ("Signature", "bold"), "\n",
            signature,
        )
        if served:
            where = Text.assemble(
                "It is kept on the server, where your teacher can check it with backprop-tui verify; "
                "the key's fingerprint is the one your SSH client showed when you first connected.\n",
            )
            return Group(head, where, render_certificate(facts, signature), Text(again, style="dim"))
        return Text.assemble(
            head, "\n",
            "Saved as ", (str(svg_path), "bold"), "\n",
            "and as text: ", str(txt_path), "\n",
            "Check it with: backprop-tui verify ", str(txt_path), "\n",
            (again, "dim"),
        )

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
        except (CertificateError, ValueError) as error:  # both carry a sentence for the learner
            cert.update(Text(str(error), style="bold"))
            return
        cert.update(self.issued(written.txt_path, written.svg_path))
        self.notify("Certificate signed and kept on the server." if self.app.served else "Certificate saved.", timeout=4)


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
