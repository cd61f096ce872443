"""Section 4's drawings: each step's chain-rule line with the engine's numbers put in, the gradient
bars with the nudge, an exercise's question on the learner's own numbers, and the update.

Every number comes from the section's :class:`~backprop_tui.models.lesson.Walk` (one engine run of
the lesson network); these functions only lay it out. A product whose rounded factors would multiply
to a different last digit says it is of the unrounded values.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from backprop_tui.engine.presets import LESSON_PARAMS as PARAMS
from backprop_tui.lesson import exercises as words
from backprop_tui.lesson.backward import BLAME, DIRECTION, LEGEND, NUDGE_KEYS, blame_note, fd_note, nudge_lines
from backprop_tui.renderables.lesson_network import weight_bar
from backprop_tui.renderables.numbers import MINUS, format_number, format_setting

if TYPE_CHECKING:
    from backprop_tui.models.exercises import Exercises
    from backprop_tui.models.lesson import Nudge, Update, Walk

def factor_work(walk: Walk, kind: str, name: str, bar: Callable[[str], Text], fd_step: float) -> RenderableType:
    """The formula of a step of ``kind`` about ``name`` (``v1``, ``h2``, ``w12`` …).

    ``bar`` draws a gradient's bar; ``fd_step`` is the brute-force check's step h (said the first time).
    """
    w, f = walk, format_number
    g = w.grads
    j = int(name[-1]) - 1 if name[-1:].isdigit() else 0  # the neuron (or input) the step is about
    if kind == "network":
        return Text.assemble(
            f"Forward, the network predicts ŷ = {f(w.y)} for a target of {f(w.target, 2)}: "
            f"the loss is {f(w.loss)}. Now backward: from the loss, one factor per key, "
            "to every weight's share of the blame.\n\n",
            (LEGEND, "dim"),
        )
    if kind == "dy":
        return formula("∂L/∂ŷ = ŷ − target", f"{f(w.y)} − {f(w.target)}", w.dL_dy,
                       "From L = ½(ŷ − t)². Negative: a larger ŷ would lower the loss.")
    if kind == "v":
        first = j == 0  # the first bar of the section: say what its words and its FD mean
        return Group(
            formula(f"∂L/∂{name} = ∂L/∂ŷ · a[h{j + 1}]", f"{f(w.dL_dy)} × {f(w.a1[j])}", g[name],
                    f"ŷ = a[h1]·v1 + a[h2]·v2 + bo, so ŷ moves by a[h{j + 1}] for each unit of {name}."),
            bar(name),
            *((Text(blame_note(name, g[name]), style="dim"), Text(fd_note(name, fd_step), style="dim"))
              if first else ()),
        )
    if kind == "bo":
        return Group(formula("∂L/∂bo = ∂L/∂ŷ · 1", f"{f(w.dL_dy)} × 1", g["bo"],
                             "A bias is a weight whose input is always 1."), bar("bo"))
    if kind == "da":
        v = f"v{j + 1}"
        return formula(f"∂L/∂a[h{j + 1}] = ∂L/∂ŷ · {v}", f"{f(w.dL_dy)} × {f(w.params[v])}", w.dL_da1[j],
                       f"How the loss would move if h{j + 1}'s output moved: the blame passes back along {v}.")
    if kind == "dz":
        return formula(
            f"∂L/∂z[h{j + 1}] = ∂L/∂a[h{j + 1}] · σ′(z[h{j + 1}]),  σ′ = a(1 − a) = {f(w.sigma_prime[j])}",
            f"{f(w.dL_da1[j])} × {f(w.sigma_prime[j])}", w.dL_dz1[j],
            "Through a sigmoid the gradient is multiplied by σ′, which is never above 0.25.",
        )
    if kind == "w":
        i, k = int(name[1]) - 1, int(name[2]) - 1
        return Group(
            formula(f"∂L/∂{name} = ∂L/∂z[h{k + 1}] · x{i + 1}", f"{f(w.dL_dz1[k])} × {f(w.x[i], 2)}", g[name],
                    f"{name} scales x{i + 1} on its way into h{k + 1}."),
            bar(name),
        )
    if kind == "bh":
        return Group(
            formula("∂L/∂bh = ∂L/∂z[h]  (a bias's input is 1)", f"{f(w.dL_dz1[0])}, {f(w.dL_dz1[1])}", None,
                    "Every parameter now has its gradient."),
            bar("bh1"), bar("bh2"),
        )
    raise ValueError(f"no formula for a step of kind {kind!r}")


def gradient_bar(walk: Walk, name: str, width: int = 20, marked: bool | None = None) -> Text:
    """``name``'s gradient as a bar, with the brute-force value and what to do with the weight beside it.

    ``marked``: the bar has a column for the nudge's marker, filled (``True``) or not.
    """
    scale = max(abs(v) for v in walk.grads.values())
    label = name.ljust(3) if marked is None else ("▸" if marked else " ") + name.ljust(3)
    return weight_bar(label, walk.grads[name], scale, width, walk.numeric[name], DIRECTION)


def all_bars(walk: Walk, picked: int, nudged: Nudge | None) -> Group:
    """Every gradient as a bar (length: size; word: direction; FD: brute force), the ``picked``
    one marked, and what the last nudge did to the loss."""
    lines: list[RenderableType] = [Text(BLAME, style="dim"), Text("")]
    lines += [gradient_bar(walk, name, width=18, marked=i == picked) for i, name in enumerate(PARAMS)]
    lines.append(Text(""))
    if nudged is None:
        lines.append(Text(NUDGE_KEYS, style="dim"))
    else:
        first, second = nudge_lines(nudged)
        lines += [Text(first, style="bold"), Text(second), Text(NUDGE_KEYS, style="dim")]
    return Group(*lines)


def exercise_prompt(exercise: str, numbers: Exercises, learner: str) -> Text:
    """The question, the learner's own inputs and target, and the values it needs (the engine's, on them)."""
    known = words.known(exercise, numbers)
    mine, given = known[:3], known[3:]
    text = Text.assemble((words.QUESTIONS[exercise], "bold"), "\n")
    text.append(f"Your own numbers, drawn for {learner} (the weights are the lesson's):\n", style="dim")
    text.append(",  ".join(f"{n} = {v}" for n, v in mine), style="bold")
    text.append("\nYou also know: ", style="dim")
    text.append(",  ".join(f"{n} = {v}" for n, v in given), style="bold")
    return text


def update_table(walk: Walk, u: Update) -> Group:
    """Old value, gradient and new value of every parameter at α, and the loss before and after."""
    f = format_number
    table = Table(box=None, padding=(0, 0, 0, 1), show_edge=False, pad_edge=False)
    table.add_column("", style="bold", no_wrap=True)
    for name in PARAMS:
        table.add_column(name, justify="right", no_wrap=True)
    table.add_row("old", *(f(walk.params[n]) for n in PARAMS))
    table.add_row("∂L/∂·", *(f(walk.grads[n]) for n in PARAMS))
    table.add_row("new", *(f(u.new[n]) for n in PARAMS))
    change = "lower" if u.loss_after < u.loss_before else "higher"
    loss = Text.assemble(
        ("α = ", "bold"), (format_setting(u.alpha), "bold reverse"), ("   (+/- to change)", "dim"), "\n",
        "Run forward again with the new weights: loss ", (f(u.loss_before), "bold"), " → ",
        (f(u.loss_after), "bold reverse"), f"  ({change}).",
    )
    if u.diverged:
        loss.append("  The step was so large the numbers ran away: the run diverged.", style="bold")
    elif change == "higher":
        loss.append("  α is too large here: the step jumped past the minimum.")
    return Group(Text("Every parameter takes a step against its gradient: new = old − α × ∂L/∂·"), table, Text(""), loss)


UNROUNDED = "  (from the unrounded values)"
"""Said after a product whose rounded factors would multiply to a different last digit."""


def formula(symbols: str, numbers: str, result: float | None, note: str) -> Text:
    """``symbols = numbers = result`` over two lines, then a note.

    When ``numbers`` is a product of shown (rounded) factors that a reader would multiply to a
    different rounded result, the line says the result is of the unrounded values.
    """
    text = Text.assemble((symbols, "bold"), "\n   = ", numbers)
    if result is not None:
        text.append(" = ")
        text.append(format_number(result), style="bold reverse")
        if not agrees(numbers, result):
            text.append(UNROUNDED, style="dim")
    text.append("\n")
    text.append(note, style="dim")
    return text


def agrees(numbers: str, result: float) -> bool:
    """Whether the shown factors of ``numbers`` (``a × b × …``) multiply to what ``result`` shows."""
    try:
        factors = [float(part.replace(MINUS, "-")) for part in numbers.split(" × ")]
    except ValueError:
        return True  # not a plain product (a difference, a list): nothing to recompute
    return format_number(math.prod(factors)) == format_number(result)
