"""What each step of section 6 compares, for the learner's settings, and what is one key away.

A step shows a :class:`Plan`: the nets in its columns and the nets its note
quotes, for the learner's :class:`Settings` on that step. Each bar step opens
on the set-up it teaches with (:data:`STARTS`: a deep sigmoid net to vanish, a
careless start that really diverges, ReLU as deep as units die …); what the
learner changes on a step stays with that step. :func:`plan` only names setups
(cheap, no numpy), :func:`lookup` answers from the cache of passes,
:func:`measure` runs what is missing (a worker's job), and :func:`neighbours`
lists the settings one key away, to measure before the key comes.

No numpy on import, no Textual, no Rich.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Generic, TypeVar

from backprop_tui.engine.names import CLIP_NORM, DEEP_INITS, MAX_DEPTH, MIN_DEPTH
from backprop_tui.models.health.nets import DEFAULT_DEPTH, DeepHealth, DeepSetup, cached, deep_health

LEFT_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "gelu", "silu")
"""What the left column cycles through (``f``)."""
MATCHED_INIT = {"sigmoid": "xavier", "tanh": "xavier"}
"""The initialisation made for each activation: Xavier for the S-shaped ones, He for the rest."""
TRAININGS: tuple[str | None, ...] = (None, "sgd", "adam")
"""What the training switch cycles through: none, then SGD, then Adam."""
SWITCHES = ("init", "residual", "clip", "leaky", "training", "left")
"""The remedy panel's switches, one key each."""


def following(options: Sequence[object], current: object) -> object:
    """The option after ``current``, round to the first."""
    return options[(list(options).index(current) + 1) % len(options)]


@dataclass(frozen=True, slots=True)
class Remedies:
    """The remedy panel's switches."""

    init: str = "normal"
    residual: bool = False
    clip: bool = False
    leaky: bool = False
    training: str | None = None
    left: str = "sigmoid"

    def activation(self, act: str) -> str:
        """A column's activation as it is drawn: ReLU becomes Leaky ReLU while that switch is on."""
        return "leaky_relu" if self.leaky and act == "relu" else act

    @property
    def careless(self) -> bool:
        """Every remedy off: naive N(0, 1) weights, plain ReLU, no skips, no clipping, no training."""
        return (self.init, self.residual, self.clip, self.leaky, self.training) == ("normal", False, False, False, None)

    def setups(self, depth: int) -> tuple[DeepSetup, DeepSetup]:
        """The left (``left`` activation) and right (ReLU) nets these switches make."""

        def one(act: str) -> DeepSetup:
            clip = CLIP_NORM if self.clip else None
            return DeepSetup(depth, self.activation(act), self.init, self.residual, clip, self.training)

        return one(self.left), one("relu")

    def switched(self, what: str) -> Remedies:
        """The switches after pressing ``what``'s key (one of :data:`SWITCHES`)."""
        if what == "init":
            return replace(self, init=str(following(DEEP_INITS, self.init)))
        if what == "residual":
            return replace(self, residual=not self.residual)
        if what == "clip":
            return replace(self, clip=not self.clip)
        if what == "leaky":
            return replace(self, leaky=not self.leaky)
        if what == "training":
            return replace(self, training=TRAININGS[(TRAININGS.index(self.training) + 1) % len(TRAININGS)])
        if what == "left":
            return replace(self, left=str(following(LEFT_ACTIVATIONS, self.left)))
        raise ValueError(f"no switch {what!r}")


@dataclass(frozen=True, slots=True)
class Switch:
    """The last remedy key: which switch, and the switches before it (to say what changed)."""

    what: str
    before: Remedies


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the learner has set in the section.

    Attributes:
        depth: weight layers of every net on show.
        left: the left column's activation on the side-by-side step.
        remedies: the remedy panel's switches.
        switch: the last remedy key pressed (``None`` before any, and after a depth change).
    """

    depth: int = DEFAULT_DEPTH
    left: str = "sigmoid"
    remedies: Remedies = field(default_factory=Remedies)
    switch: Switch | None = None

    def deeper(self, delta: int) -> Settings | None:
        """``delta`` layers more (or fewer); ``None`` outside 2–20."""
        depth = self.depth + delta
        return replace(self, depth=depth, switch=None) if MIN_DEPTH <= depth <= MAX_DEPTH else None

    def next_left(self) -> Settings:
        """The side-by-side step's next left activation."""
        return replace(self, left=str(following(LEFT_ACTIVATIONS, self.left)))

    def pressed(self, what: str) -> Settings:
        """A remedy switch pressed: the new switches, remembering the old ones."""
        return replace(self, remedies=self.remedies.switched(what), switch=Switch(what, self.remedies))


# -- what a step shows -------------------------------------------------------------------------------------

T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True, slots=True)
class Plan(Generic[T]):
    """The nets one step shows: setups (``Plan[DeepSetup]``) or their passes (``Plan[DeepHealth]``).

    Attributes:
        step: the step's id.
        settings: the settings it was made for.
        columns: one net per column (the vanishing step shows one net twice).
        kinds: what each column draws: ``health`` bars with |∂L/∂z| beside them, ``dead`` (health bars
            with the dead units), ``factors`` (what a layer keeps of ∂L/∂z, through Wᵀ and through f′),
            ``moved`` bars.
        deeper: the exploding step's net one layer deeper (``None`` at the deepest).
        trained: the net the note trains: the exploding start, or the dead-neuron net, after SGD.
        before: the columns before the last remedy switch (the note compares with them).
        twins: on the remedy step with Adam: each column trained with SGD instead.
    """

    step: str
    settings: Settings
    columns: tuple[T, ...]
    kinds: tuple[str, ...]
    deeper: T | None = None
    trained: T | None = None
    before: tuple[T, ...] = ()
    twins: tuple[T, ...] = ()

    def nets(self) -> Iterator[T]:
        """Every net of the plan, the columns first."""
        yield from self.columns
        for extra in (self.deeper, self.trained):
            if extra is not None:
                yield extra
        yield from self.before
        yield from self.twins

    def map(self, f: Callable[[T], U]) -> Plan[U]:
        """The same plan with ``f`` applied to every net."""

        def one(x: T | None) -> U | None:
            return None if x is None else f(x)

        return Plan(
            self.step, self.settings, tuple(map(f, self.columns)), self.kinds,
            one(self.deeper), one(self.trained), tuple(map(f, self.before)), tuple(map(f, self.twins)),
        )


BAR_STEPS = ("side", "vanish", "explode", "dead", "remedies")
"""The steps that draw bars (the others are words only)."""
STARTS: dict[str, Settings] = {
    "side": Settings(depth=DEFAULT_DEPTH),
    "vanish": Settings(depth=10),
    "explode": Settings(depth=6),
    "dead": Settings(depth=10),
    "remedies": Settings(depth=DEFAULT_DEPTH),
}
"""The set-up each bar step opens on: the one its words teach with (tests/test_health_steps.py pins
that each does what its step says: the sigmoid net vanishes, the careless start diverges, units die)."""


def start(step: str) -> Settings:
    """The set-up step ``step`` opens on (the section's defaults for a step without bars)."""
    return STARTS.get(step, Settings())


def plan(step: str, settings: Settings) -> Plan[DeepSetup]:
    """The nets step ``step`` compares for ``settings`` (one of :data:`BAR_STEPS`)."""
    d = settings.depth
    if step == "side":
        left = DeepSetup(d, settings.left, MATCHED_INIT.get(settings.left, "he"))
        return Plan(step, settings, (left, DeepSetup(d, "relu", "he")), ("health", "health"))
    if step == "vanish":
        sig = DeepSetup(d, "sigmoid", "xavier")
        return Plan(step, settings, (sig, sig), ("health", "factors"))
    if step == "explode":
        naive = DeepSetup(d, "relu", "normal")
        deeper = replace(naive, depth=d + 1) if d < MAX_DEPTH else None
        trained = replace(naive, optimizer="sgd")
        return Plan(step, settings, (naive, DeepSetup(d, "relu", "he")), ("health", "health"), deeper, trained)
    if step == "dead":
        relu = DeepSetup(d, "relu", "he")
        columns = (relu, DeepSetup(d, "leaky_relu", "he"))
        return Plan(step, settings, columns, ("dead", "dead"), trained=replace(relu, optimizer="sgd"))
    if step == "remedies":
        r = settings.remedies
        columns = r.setups(d)
        kind = "moved" if r.training else "health"
        before = settings.switch.before.setups(d) if settings.switch is not None else ()
        twins = tuple(replace(s, optimizer="sgd") for s in columns) if r.training == "adam" else ()
        return Plan(step, settings, columns, (kind, kind), before=before, twins=twins)
    raise ValueError(f"step {step!r} draws no bars")


def lookup(wanted: Plan[DeepSetup]) -> Plan[DeepHealth] | None:
    """The plan's passes from the cache, or ``None`` if one is still to be measured."""
    if any(cached(s) is None for s in wanted.nets()):
        return None
    return wanted.map(deep_health)


def measure(wanted: Plan[DeepSetup], stop: Callable[[], bool] = lambda: False) -> Plan[DeepHealth] | None:
    """Measure every pass the plan needs (slow: a worker's job); ``None`` if ``stop()`` turned true between two."""
    for setup in wanted.nets():
        if stop():
            return None
        deep_health(setup)
    return wanted.map(deep_health)


def neighbours(step: str, settings: Settings) -> list[Settings]:
    """The settings one key away on ``step``: a layer more or fewer, and each switch the step offers."""
    out = [s for s in (settings.deeper(1), settings.deeper(-1)) if s is not None]
    if step == "side":
        out.append(settings.next_left())
    elif step == "remedies":
        out += [settings.pressed(what) for what in SWITCHES]
    return out


def nearby(step: str, settings: Settings, beside: Sequence[tuple[str, Settings]] = ()) -> list[Plan[DeepSetup]]:
    """The plans one key away: ``step`` with each neighbouring setting, then the steps ``beside`` it, each as set."""
    plans = [plan(step, s) for s in neighbours(step, settings)] if step in BAR_STEPS else []
    return plans + [plan(other, theirs) for other, theirs in beside if other in BAR_STEPS]
