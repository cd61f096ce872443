"""Section 7's playground without the screen: the set-up, its form, its data, its share code, its run.

* :mod:`.setup` — :class:`Setup`, every choice a learner makes, frozen and always
  valid (an impossible one raises :class:`SetupError`, naming the field).
* :mod:`.fields` — the form's fields; :func:`edit` applies one field's typed text.
* :mod:`.datasets` — XOR, a circle, a sine curve, or the learner's own sample.
* :mod:`.sharecode` — :func:`encode` / :func:`decode`, e.g.
  ``bp1_2x4_tanh_sigmoid_bce_xavier_adam_a0.1_xor``.
* :mod:`.trainer` — :class:`Trainer`: the network, trained by the one training
  loop (:mod:`backprop_tui.models.training`), and the run's history.
* :mod:`.pace` — how fast a ``t`` run goes (a wait between steps, never slower maths).
* :mod:`.reading` — :func:`read_health`: what a run's health bars mean for that run.

No Textual, no Rich; importing the package costs no numpy (the engine loads
when a :class:`Trainer` is built).
"""

from backprop_tui.models.playground.datasets import CIRCLE_RADIUS, DATA_NAMES, DATASETS, DataSet, dataset
from backprop_tui.models.playground.fields import (
    CLIP_OFF,
    FIELD_BY_NAME,
    FIELDS,
    Edit,
    Field,
    FieldError,
    edit,
    field_text,
    parse_field,
)
from backprop_tui.models.playground.pace import (
    DEFAULT_PACE,
    FULL_SPEED,
    PACES,
    pace_text,
    run_text,
    short_pace,
    step_wait,
)
from backprop_tui.models.playground.reading import KINDS, Reading, read_health
from backprop_tui.models.playground.setup import (
    INITS,
    MAX_CLIP,
    MAX_HIDDEN,
    MAX_L2,
    MAX_LR,
    MAX_NEURONS,
    MAX_VALUE,
    Setup,
    SetupError,
    check,
)
from backprop_tui.models.playground.sharecode import CODE_FILE, CODE_VERSION, MAX_CODE, decode, encode, save_code
from backprop_tui.models.playground.trainer import TRAIN_STEPS, Snapshot, StepResult, Trainer
from backprop_tui.parsing import number_text

__all__ = [
    "CIRCLE_RADIUS", "CLIP_OFF", "CODE_FILE", "CODE_VERSION", "DATASETS", "DATA_NAMES", "DEFAULT_PACE", "FIELDS",
    "FIELD_BY_NAME", "FULL_SPEED", "INITS", "KINDS", "MAX_CLIP", "MAX_CODE", "MAX_HIDDEN", "MAX_L2", "MAX_LR",
    "MAX_NEURONS", "MAX_VALUE", "PACES", "TRAIN_STEPS",
    "DataSet", "Edit", "Field", "FieldError", "Reading", "Setup", "SetupError", "Snapshot", "StepResult", "Trainer",
    "check", "dataset", "decode", "edit", "encode", "field_text", "number_text", "pace_text", "parse_field",
    "read_health", "run_text", "save_code", "short_pace", "step_wait",
]  # fmt: skip
