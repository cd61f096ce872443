"""Section 6's words with the numbers in: headings, the notes under the bars, the remedy panel.

Every sentence comes from :mod:`backprop_tui.lesson.health`; this module only
puts a measured plan's numbers into them (:func:`note`, :func:`heading`,
:func:`columns`) and draws the remedy switches (:func:`panel`). Pure Rich,
no numpy: the passes are read, never computed.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from rich.text import Text

from backprop_tui.engine.names import (
    CLIP_NORM,
    DEEP_INITS,
    DEEP_INPUTS,
    DEEP_OUTPUTS,
    DEEP_SAMPLES,
    DEEP_WIDTH,
    TRAIN_LR,
    TRAIN_STEPS,
)
from backprop_tui.lesson import health as words
from backprop_tui.renderables.health_table import Column, counts, ratio_words, share
from backprop_tui.renderables.numbers import format_number

if TYPE_CHECKING:
    from backprop_tui.models.health import DeepHealth, DeepSetup, Plan, Remedies, Settings

def products(peak: float, factors: int) -> str:
    """The first step's words, with the sampled σ′ peak."""
    return words.PRODUCTS.format(peak=format_number(peak, 2), n=factors, product=format_number(peak**factors, 4))


def reading() -> str:
    """The second step's words, with the batch's sizes and the two initialisations' scales."""
    return words.READING.format(
        samples=DEEP_SAMPLES, inputs=DEEP_INPUTS, outputs=DEEP_OUTPUTS, width=DEEP_WIDTH,
        xavier=format_number(math.sqrt(2 / (DEEP_WIDTH + DEEP_WIDTH)), 2), he=format_number(math.sqrt(2 / DEEP_WIDTH), 2),
    )


def title(setup: DeepSetup) -> str:
    """A column's heading: activation and initialisation."""
    return words.COLUMN_TITLE.format(activation=words.ACTIVATIONS[setup.activation], init=words.INITS[setup.init])


def capital(name: str) -> str:
    """``name`` with a capital first letter (``tanh`` → ``Tanh``; ``ReLU`` stays)."""
    return name[0].upper() + name[1:]


def step_label(step: str, settings: Settings) -> str | None:
    """The step bar's label where it follows the learner's switches (the side-by-side step's ``f``), else ``None``."""
    if step == "side":
        return words.SIDE_LABEL.format(name=capital(words.ACTIVATIONS[settings.left]))
    return None


def heading(step: str, settings: Settings, measured: Plan[DeepHealth] | None = None) -> str:
    """A bar step's heading. Without ``measured`` (a pass is still being measured) a failure step names its
    set-up only, with no verdict; with it, a step too shallow for the failure it is named after says so."""
    depth = settings.depth
    if step == "side":
        return words.HEADINGS["side"].format(name=capital(words.ACTIVATIONS[settings.left]), depth=depth)
    training = settings.remedies.training
    if step == "remedies" and training:
        optimizer = words.OPTIMIZERS[training]
        return words.HEADINGS["remedies-trained"].format(steps=TRAIN_STEPS, optimizer=optimizer, depth=depth)
    if step != "remedies":
        if measured is None:  # no verdict before the numbers
            return words.HEADINGS[step + "-measuring"].format(depth=depth)
        if not shows(measured):
            return words.HEADINGS[step + "-not"].format(depth=depth)
    return words.HEADINGS[step].format(depth=depth)


def shows(measured: Plan[DeepHealth]) -> bool:
    """Whether the measured nets show what their step is named after: layer 1 Bad on the vanishing step,
    a diverged run on the exploding one, a dead unit on the dead-neuron one (other steps: always)."""
    first = measured.columns[0]
    if measured.step == "vanish":
        return first.layers[0].status.name == "critical" and first.ratio < 1
    if measured.step == "explode":
        return measured.trained is not None and measured.trained.diverged
    if measured.step == "dead":
        return first.dead > 0
    return True


def columns(measured: Plan[DeepHealth]) -> tuple[Column, ...]:
    """The table's columns: titled by activation and init (on the remedy step the panel names the init)."""
    out = []
    for h, kind in zip(measured.columns, measured.kinds):
        if kind == "factors":
            name = words.FACTORS_TITLE
        elif measured.step == "remedies":
            name = words.ACTIVATIONS[h.setup.activation]
        else:
            name = title(h.setup)
        out.append(Column(name, h, kind))
    return tuple(out)


def note(measured: Plan[DeepHealth]) -> Text:
    """The words under the table of a measured plan."""
    first, second = measured.columns
    if measured.step == "side":
        plain, bold, end = words.SIDE
        name = capital(words.ACTIVATIONS[first.setup.activation])
        return Text.assemble(plain, (bold.format(name=name, left=share(first), right=share(second)), "bold"), end)
    if measured.step == "vanish":
        return vanish_note(first)
    if measured.step == "explode":
        assert measured.trained is not None
        return explode_note(first, measured.deeper, measured.trained)
    if measured.step == "dead":
        assert measured.trained is not None
        return dead_note(first, second, measured.trained)
    return remedies_note(measured)


def vanish_note(sig: DeepHealth) -> Text:
    """Why the sigmoid's gradient shrinks: what a layer keeps of ∂L/∂z through Wᵀ and through σ′, measured."""
    plain, bold, end = words.VANISH
    weights, slopes, kept = (format_number(v, 2) for v in sig.passed_mean())
    factors = sig.setup.depth - 1
    layers = words.SIGMOID_LAYERS[factors != 1]
    return Text.assemble(
        plain.format(weights=weights, slopes=slopes, kept=kept),
        (bold.format(factors=factors, layers=layers, share=share(sig)), "bold"),
        end,
    )


def explode_note(naive: DeepHealth, deeper: DeepHealth | None, trained: DeepHealth) -> Text:
    """How much larger naive weights are, how ∂L/∂z grows, and what SGD does with the gradients they give."""
    he_std = math.sqrt(2 / DEEP_WIDTH)
    text = Text(
        words.EXPLODE.format(
            width=DEEP_WIDTH, std=format_number(he_std, 2), times=format_number(1 / he_std, 1),
            grows=format_number(naive.passed_mean()[2], 1), largest=format_number(naive.largest, 1),
        )
    )
    if deeper is not None:
        text.append(words.EXPLODE_DEEPER.format(largest=format_number(deeper.largest, 1)))
    lr = format_number(TRAIN_LR, 2)
    if trained.diverged:
        text.append(words.EXPLODE_DIVERGES.format(lr=lr, step=trained.trained), style="bold")
    else:
        before, after = format_number(trained.loss_before or math.nan, 1), format_number(trained.loss, 1)
        text.append(words.EXPLODE_TRAINS.format(steps=trained.trained, lr=lr, before=before, after=after))
    return text


def dead_note(relu: DeepHealth, leaky: DeepHealth, later: DeepHealth) -> Text:
    """How many units are dead, what reaches them, and how Leaky ReLU differs."""
    text = Text()
    if relu.dead:
        reaching = words.EXACTLY_ZERO if relu.dead_gradient == 0 else format_number(relu.dead_gradient)
        text.append(words.DEAD.format(dead=relu.dead, units=relu.hidden_units, reaching=reaching), style="bold")
    else:
        text.append(words.NONE_DEAD.format(depth=relu.setup.depth))
    if not later.diverged:
        after = words.DEAD_LATER if relu.dead else words.DEAD_AFTER
        text.append(after.format(steps=later.trained, dead=later.dead, before=relu.dead))
    if leaky.negative_hidden:
        text.append(words.LEAKY_TRICKLE.format(negative=leaky.negative_hidden))
    else:
        text.append(words.LEAKY_NONE)
    return text


# -- the remedies ----------------------------------------------------------------------------------------


def panel(r: Remedies, trainings: tuple[str | None, ...]) -> Text:
    """Each switch, its key and its state in words (``trainings``: the training switch's choices, none first)."""

    def box(on: bool) -> str:
        return "[x]" if on else "[ ]"

    def choices(options: tuple[str | None, ...], current: str | None, names: dict[str, str]) -> Text:
        text = Text()
        for k, option in enumerate(options):
            if k:
                text.append(" ")
            name = names[option] if option is not None else words.NO_TRAINING
            on = option == current
            text.append(f"[{name}]" if on else name, style="bold reverse" if on else "")
        return text

    def key(k: str) -> Text:
        return Text(f"{k} ", style="bold")

    p = words.PANEL
    return Text.assemble(
        key("i"), p["init"], choices(DEEP_INITS, r.init, words.INIT_CHOICES), "   ",
        key("k"), p["residual"].format(box=box(r.residual)), "   ",
        key("g"), p["clip"].format(box=box(r.clip), clip=format_number(CLIP_NORM, 0)), "   ",
        key("r"), p["restart"], "\n",
        key("l"), p["leaky"].format(box=box(r.leaky)), "   ",
        key("o"), p["training"].format(steps=TRAIN_STEPS), choices(trainings, r.training, words.OPTIMIZERS), "   ",
        key("f"), p["left"].format(name=words.ACTIVATIONS[r.activation(r.left)]),
    )


def said(what: str, r: Remedies) -> str:
    """What pressing ``what`` did, as the switches ``r`` now are."""
    if what == "init":
        return words.SAID[what].format(name=words.INITS[r.init])
    if what == "left":
        return words.SAID[what].format(name=words.ACTIVATIONS[r.left])
    off, on = words.TOGGLED[what]
    if what == "training":
        return on.format(steps=TRAIN_STEPS, optimizer=words.OPTIMIZERS[r.training]) if r.training else off
    return on if getattr(r, what) else off


def remedies_note(measured: Plan[DeepHealth]) -> Text:
    """What the last switch did, in the engine's numbers, or how to start."""
    left, right = measured.columns
    switch = measured.settings.switch
    if switch is None:
        start = Text(words.REMEDIES_START if measured.settings.remedies.careless else words.REMEDIES_AS_SET)
        if right.setup.optimizer is None:
            start.append(
                words.REMEDIES_START_NUMBERS.format(
                    left_name=words.ACTIVATIONS[left.setup.activation], left=share(left),
                    right_name=words.ACTIVATIONS[right.setup.activation], right=share(right),
                    largest=format_number(right.largest, 1),
                )
            )
        start.append(words.REMEDIES_KEYS)
        return start
    text = Text.assemble((said(switch.what, measured.settings.remedies), "bold"), " ")
    twins = measured.twins or (None,) * len(measured.columns)
    for old, new, twin in zip(measured.before, measured.columns, twins):
        text.append(change(old, new, twin))
    if switch.what == "init":
        text.append(words.INIT_NOTES[measured.settings.remedies.init].format(width=DEEP_WIDTH))
    else:
        text.append(words.NOTES[switch.what].format(clip=format_number(CLIP_NORM, 0)))
    if switch.what == "residual" and measured.settings.remedies.residual and any(h.too_large for h in measured.columns):
        text.append(words.SKIPS_GROW)
    return text


def change(old: DeepHealth, new: DeepHealth, twin: DeepHealth | None) -> str:
    """One column's change: its training outcome, its classes, or what moved in its numbers."""
    name = capital(words.ACTIVATIONS[new.setup.activation])
    if new.setup.optimizer:
        return training_words(name, new, twin)
    if old.setup.optimizer:  # back from training: no gradients to compare with
        return words.CHANGE_COUNTS.format(name=name, counts=counts(new.layers))
    parts = []
    if ratio_words(old) != ratio_words(new):
        parts.append(words.CHANGE_SHARE.format(before=ratio_words(old), after=ratio_words(new)))
    if counts(old.layers) != counts(new.layers):
        before, after = counts(old.layers, zeros=False), counts(new.layers, zeros=False)
        parts.append(words.CHANGE_FROM_TO.format(before=before, after=after))
    if old.dead != new.dead:
        parts.append(words.CHANGE_DEAD.format(before=old.dead, after=new.dead))
    return words.CHANGE_LINE.format(name=name, parts="; ".join(parts) if parts else words.NO_CHANGE)


def training_words(name: str, new: DeepHealth, sgd: DeepHealth | None) -> str:
    """One column's training outcome: divergence, or how far layer 1 and the output layer moved
    (with Adam, beside what SGD did: ``sgd``)."""
    optimizer = words.OPTIMIZERS[new.setup.optimizer or "sgd"]
    if new.diverged:
        return words.TRAINING_DIVERGED.format(name=name, optimizer=optimizer, step=new.trained)
    assert new.moved is not None
    first, last = format_number(new.moved[0]), format_number(new.moved[-1])
    text = words.TRAINING_MOVED.format(name=name, first=first, depth=new.setup.depth, last=last)
    if sgd is not None:
        if sgd.diverged:
            text += words.TWIN_DIVERGED.format(step=sgd.trained)
        elif sgd.moved:
            text += words.TWIN_MOVED.format(first=format_number(sgd.moved[0]), last=format_number(sgd.moved[-1]))
    return text + ". "
