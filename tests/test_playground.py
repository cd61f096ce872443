"""The playground without a screen: set-ups, field checks, data sets, share codes, training, ``--playground``."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backprop_tui.cli import main
from backprop_tui.engine.names import ACTIVATION_NAMES, OPTIMIZERS
from backprop_tui.models import playground as pg

# -- the set-up ------------------------------------------------------------------------------------------


def test_the_default_set_up():
    s = pg.Setup()
    assert (s.hidden, s.widths, s.hidden_activations) == (2, (4, 4), ("tanh", "tanh"))
    assert (s.skips, s.output, s.loss, s.init, s.optimizer, s.lr, s.l2, s.clip, s.seed, s.data) == (
        False, "sigmoid", "bce", "xavier", "adam", 0.1, 0.0, None, 0, "xor",
    )  # fmt: skip
    assert s.skip_layers == ()
    assert s.sizes == (2, 4, 4, 1)
    assert s.activations == ("tanh", "tanh", "sigmoid")
    assert pg.encode(s) == "bp1_2x4_tanh_sigmoid_bce_xavier_adam_a0.1_xor"


def test_lists_per_layer_collapse_when_equal_and_must_fit_the_layers():
    s = pg.Setup(hidden=3, neurons=(8, 8, 8), activation=("relu", "tanh", "relu"), output="linear", loss="mse")
    assert s.neurons == (8,) and s.widths == (8, 8, 8)
    assert s.activations == ("relu", "tanh", "relu", "linear")
    with pytest.raises(pg.SetupError, match=r"one per layer \(3\), got 2") as e:
        pg.Setup(hidden=3, neurons=(8, 4))
    assert e.value.field == "neurons"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hidden": 9}, "hidden"),
        ({"hidden": -1}, "hidden"),
        ({"neurons": (17,)}, "neurons"),
        ({"neurons": (0,)}, "neurons"),
        ({"activation": ("swish",)}, "activation"),
        ({"skips": 1}, "skips"),
        ({"skips": "on"}, "skips"),
        ({"init": "lesson"}, "init"),
        ({"lr": 0.0}, "lr"),
        ({"lr": math.inf}, "lr"),
        ({"lr": 101.0}, "lr"),
        ({"l2": -0.1}, "l2"),
        ({"clip": 0.0}, "clip"),
        ({"seed": 2**32}, "seed"),
        ({"data": "mnist"}, "data"),
        ({"inputs": ()}, "inputs"),
        ({"target": (math.nan,)}, "target"),
        ({"output": "linear"}, "loss"),  # bce with a linear output
        ({"data": "sine"}, "loss"),  # bce cannot fit −1..1
    ],
)
def test_an_impossible_set_up_cannot_be_built(changes, field):
    with pytest.raises(pg.SetupError) as e:
        pg.Setup(**changes)
    assert e.value.field == field
    assert "\n" not in str(e.value)


# -- each field, typed ---------------------------------------------------------------------------------------

GOOD = {
    "hidden": ("3", 3),
    "neurons": ("8", (8,)),
    "activation": ("ReLU", ("relu",)),
    "skips": ("On", True),
    "output": ("sigmoid", "sigmoid"),
    "loss": ("bce", "bce"),
    "init": ("he", "he"),
    "optimizer": ("SGD", "sgd"),
    "lr": (" 0.05 ", 0.05),
    "l2": ("1e-4", 1e-4),
    "clip": ("2.5", 2.5),
    "seed": ("42", 42),
    "data": ("circle", "circle"),
    "inputs": ("\u22120.5, 1", (-0.5, 1.0)),  # the true minus sign reads as a minus
    "target": ("0.25", (0.25,)),
}

NUMBER_FIELDS = ("hidden", "neurons", "lr", "l2", "clip", "seed", "inputs", "target")
"""Fields that take numbers: each must refuse letters, empty, nan, inf and 1e999."""

BAD: dict[str, list[tuple[str, str]]] = {
    "hidden": [("9", "from 0 to 8"), ("-1", "from 0 to 8"), ("2.5", "whole number")],
    "neurons": [("0", "from 1 to 16"), ("17", "from 1 to 16"), ("-4", "from 1 to 16"), ("4,,4", "from 1 to 16"),
                ("4,8,2", "one per layer (2), got 3")],
    "activation": [("swish", "unknown activation 'swish'"), ("tanh,relu,relu", "one per layer (2), got 3"),
                   ("-1", "unknown activation")],
    "skips": [("maybe", "skips must be on or off, got 'maybe'"), ("1", "on or off"), ("yes please", "on or off")],
    "output": [("softmax", "unknown output activation"), ("linear", "change loss to mse first"), ("1e999", "unknown")],
    "loss": [("hinge", "unknown loss"), ("nan", "unknown loss")],
    "init": [("lesson", "unknown init 'lesson'"), ("zeros", "choose from xavier, he, normal, uniform")],
    "optimizer": [("lbfgs", "unknown optimizer"), ("-1", "unknown optimizer")],
    "lr": [("0", "positive"), ("-0.1", "positive"), ("101", "up to 100")],
    "l2": [("-1", "zero or a positive number"), ("11", "up to 10")],
    "clip": [("0", "positive"), ("-2", "positive"), ("1001", "up to 1000")],
    "seed": [("-1", "from 0 to 4294967295"), ("4294967296", "from 0 to 4294967295"), ("1.5", "whole number")],
    "data": [("mnist", "unknown data set"), ("-1", "unknown data set")],
    "inputs": [("1,,2", "numbers separated by commas"), ("2e6", "from -1,000,000 to 1,000,000"),
               (",".join(["1"] * 17), "at most 16 numbers")],
    "target": [("1,,2", "numbers separated by commas"), ("-2e6", "from -1,000,000 to 1,000,000")],
}  # fmt: skip
for _name in NUMBER_FIELDS:
    BAD[_name] += [("abc", "must be"), ("", "nothing typed"), ("nan", "must be"), ("inf", "must be"), ("1e999", "must be")]
BAD["skips"] += [("", "nothing typed"), ("nan", "on or off"), ("1e999", "on or off")]
for _name in ("activation", "output", "loss", "init", "optimizer", "data"):
    BAD[_name] += [("abc", "unknown"), ("", "nothing typed"), ("nan", "unknown"), ("inf", "unknown")]

BAD_CASES = [(name, text, says) for name, cases in BAD.items() for text, says in cases]


def test_every_field_has_good_and_bad_cases():
    assert set(GOOD) == set(BAD) == set(pg.FIELD_BY_NAME)


@pytest.mark.parametrize("name", list(GOOD))
def test_each_field_takes_good_text(name):
    base = pg.Setup(data="custom", output="linear", loss="mse") if name in ("inputs", "target") else pg.Setup()
    if name == "loss":
        base = pg.Setup(loss="mse")
    if name == "output":
        base = pg.Setup(output="linear", loss="mse")
    text, value = GOOD[name]
    result = pg.edit(base, name, text)
    assert result.ok, result.error
    assert getattr(result.setup, name) == value
    # the field shows text that reads back as the same value
    assert pg.edit(result.setup, name, pg.field_text(result.setup, name)).setup == result.setup


@pytest.mark.parametrize(("name", "text", "says"), BAD_CASES)
def test_each_field_refuses_bad_text_with_a_one_line_reason_naming_it(name, text, says):
    base = pg.Setup(data="custom", loss="mse", output="linear") if name in ("inputs", "target") else pg.Setup()
    result = pg.edit(base, name, text)
    assert not result.ok
    assert result.setup is base  # the last good value stays
    assert says in result.error
    assert "\n" not in result.error
    what = pg.FIELD_BY_NAME[name].what
    assert what in result.error


def test_clashes_say_what_to_change_first():
    s = pg.Setup()
    assert "change loss to mse first" in pg.edit(s, "output", "linear").error
    linear = pg.Setup(output="linear", loss="mse")
    assert "change output to sigmoid first" in pg.edit(linear, "loss", "bce").error
    sine = pg.Setup(data="sine", output="linear", loss="mse")
    sine_sigmoid = pg.edit(sine, "output", "sigmoid").setup
    assert "sine's run from -1 to 1" in pg.edit(sine_sigmoid, "loss", "bce").error
    custom = pg.Setup(data="custom")  # default target 0.7 fits bce
    assert "change loss to mse first" in pg.edit(custom, "target", "3").error


def test_new_data_a_bce_loss_cannot_fit_switches_to_mse_and_says_so():
    result = pg.edit(pg.Setup(), "data", "sine")
    assert result.ok
    assert (result.setup.loss, result.setup.output) == ("mse", "linear")
    assert "loss is now mse" in result.note


def test_a_new_layer_count_fits_the_per_layer_lists():
    s = pg.edit(pg.Setup(), "neurons", "8,4").setup
    s = pg.edit(s, "activation", "relu,tanh").setup
    three = pg.edit(s, "hidden", "3").setup
    assert three.widths == (8, 4, 4) and three.hidden_activations == ("relu", "tanh", "tanh")
    one = pg.edit(three, "hidden", "1").setup
    assert one.widths == (8,) and one.hidden_activations == ("relu",)
    none = pg.edit(s, "hidden", "0").setup
    assert none.sizes == (2, 1) and none.activations == ("sigmoid",)
    assert pg.field_text(none, "neurons") == "8"  # kept for when layers come back


# -- share codes ---------------------------------------------------------------------------------------------

finite = st.floats(min_value=-pg.MAX_VALUE, max_value=pg.MAX_VALUE, allow_nan=False, allow_infinity=False)


@st.composite
def setups(draw: st.DrawFn) -> pg.Setup:
    """Any valid set-up."""
    hidden = draw(st.integers(0, pg.MAX_HIDDEN))
    per_layer = hidden > 1 and draw(st.booleans())
    n = hidden if per_layer else 1
    neurons = tuple(draw(st.lists(st.integers(1, pg.MAX_NEURONS), min_size=n, max_size=n)))
    n = hidden if hidden > 1 and draw(st.booleans()) else 1
    activation = tuple(draw(st.lists(st.sampled_from(ACTIVATION_NAMES), min_size=n, max_size=n)))
    data = draw(st.sampled_from(pg.DATA_NAMES))
    inputs = tuple(draw(st.lists(finite, min_size=1, max_size=pg.MAX_NEURONS)))
    target = tuple(draw(st.lists(finite, min_size=1, max_size=pg.MAX_NEURONS)))
    bce_ok = data in ("xor", "circle") or (data == "custom" and all(0 <= t <= 1 for t in target))
    loss = draw(st.sampled_from(("mse", "bce") if bce_ok else ("mse",)))
    output = "sigmoid" if loss == "bce" else draw(st.sampled_from(("linear", "sigmoid")))
    return pg.Setup(
        hidden=hidden,
        neurons=neurons,
        activation=activation,
        output=output,
        loss=loss,
        init=draw(st.sampled_from(pg.INITS)),
        optimizer=draw(st.sampled_from(OPTIMIZERS)),
        lr=draw(st.floats(min_value=1e-12, max_value=pg.MAX_LR)),
        l2=draw(st.floats(min_value=0, max_value=pg.MAX_L2)),
        clip=draw(st.none() | st.floats(min_value=1e-9, max_value=pg.MAX_CLIP)),
        seed=draw(st.integers(0, 2**32 - 1)),
        skips=draw(st.booleans()),
        data=data,
        inputs=inputs,
        target=target,
    )


CODE_ALPHABET = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_,.-")


@given(setups())
def test_a_share_code_gives_back_exactly_its_set_up(setup):
    code = pg.encode(setup)
    assert set(code) <= CODE_ALPHABET  # safe in a shell and a URL
    assert len(code) <= pg.MAX_CODE
    assert pg.decode(code) == setup
    assert pg.decode(code.upper()) == setup  # case does not matter …
    assert pg.decode(f"  {code}\n") == setup  # … nor spaces around it


@given(setups())
def test_every_field_shows_text_that_reads_back_to_the_same_set_up(setup):
    for field in pg.FIELDS:
        result = pg.edit(setup, field.name, pg.field_text(setup, field.name))
        assert result.ok, (field.name, result.error)
        assert result.setup == setup


def test_even_the_longest_set_up_fits_in_a_code():
    longest = -2.2250738585072014e-208  # as many characters as a float's repr can have
    setup = pg.Setup(
        hidden=8, neurons=tuple(range(9, 17)), activation=("leaky_relu",) * 7 + ("gelu",), output="linear",
        loss="mse", init="uniform", optimizer="momentum", lr=1.2345678901234567e-208 * 1e208, l2=1.2345678901234567,
        clip=123.45678901234567, seed=2**32 - 1, data="custom", inputs=(longest,) * 16, target=(longest,) * 16,
    )  # fmt: skip
    code = pg.encode(setup)
    assert len(code) <= pg.MAX_CODE
    assert pg.decode(code) == setup


OLD_CODES = [
    ("bp1_2x4_tanh_sigmoid_bce_xavier_adam_a0.1_xor", {}),  # the default set-up
    ("bp1_3x8_relu_sigmoid_bce_he_adam_a0.1_s7_xor", {"hidden": 3, "neurons": (8,), "activation": ("relu",),
                                                      "init": "he", "seed": 7}),
    ("bp1_3x8,4,2_relu,tanh,leaky-relu_linear_mse_xavier_momentum_a0.02_l0.0001_c1_circle",
     {"hidden": 3, "neurons": (8, 4, 2), "activation": ("relu", "tanh", "leaky_relu"), "output": "linear",
      "loss": "mse", "optimizer": "momentum", "lr": 0.02, "l2": 1e-4, "clip": 1.0, "data": "circle"}),
    ("bp1_2x4_tanh_linear_mse_xavier_sgd_a5_sine",
     {"output": "linear", "loss": "mse", "optimizer": "sgd", "lr": 5.0, "data": "sine"}),
    ("bp1_0x4_tanh_sigmoid_bce_xavier_rmsprop_a0.003_custom_i1,-2.5,3e-07_t0.25,0.75",
     {"hidden": 0, "optimizer": "rmsprop", "lr": 0.003, "data": "custom", "inputs": (1.0, -2.5, 3e-7),
      "target": (0.25, 0.75)}),
    ("bp1_8x16_sigmoid_sigmoid_bce_xavier_sgd_a0.5_circle",
     {"hidden": 8, "neurons": (16,), "activation": ("sigmoid",), "optimizer": "sgd", "lr": 0.5, "data": "circle"}),
    ("bp1_2x4_gelu,silu_sigmoid_bce_xavier_adam_a0.1_s4294967295_xor_i0.1,0.2_t0.9",
     {"activation": ("gelu", "silu"), "seed": 2**32 - 1, "inputs": (0.1, 0.2), "target": (0.9,)}),
]  # fmt: skip
"""Codes written before skips existed (made by that version's encode), and the set-ups they stand for."""


@pytest.mark.parametrize(("code", "changes"), OLD_CODES)
def test_codes_from_before_skips_open_the_same_set_up_with_skips_off(code, changes):
    setup = pg.decode(code)
    assert setup == pg.Setup(**changes)
    assert setup.skips is False
    assert pg.encode(setup) == code  # and the same set-up still writes the same code


def test_skips_on_is_one_more_token_r():
    on = pg.Setup(skips=True)
    assert pg.encode(on) == "bp1_2x4_tanh_sigmoid_bce_xavier_adam_a0.1_r_xor"
    assert pg.decode("bp1_2x4_tanh_sigmoid_bce_xavier_adam_a0.1_r_xor") == on
    assert pg.decode("BP1_2X4_TANH_SIGMOID_BCE_XAVIER_ADAM_A0.1_XOR_R") == on  # anywhere after α, any case
    three = pg.Setup(hidden=3, neurons=(8,), activation=("relu",), init="he", seed=7, skips=True)
    assert pg.encode(three) == "bp1_3x8_relu_sigmoid_bce_he_adam_a0.1_s7_r_xor"
    assert pg.decode(pg.encode(three)) == three


def test_codes_ignore_case():
    assert pg.decode("BP1_2X4_TANH_SIGMOID_BCE_XAVIER_ADAM_A0.1_XOR") == pg.Setup()


GARBAGE = [
    ("", "empty"),
    ("   ", "empty"),
    ("hello", "not a playground code"),
    ("bp1", "cut short"),
    ("bp1_", "cut short"),
    ("bp2_2x4_tanh_sigmoid_bce_xavier_adam_a0.1_xor", "newer backprop-tui"),
    ("bp1_9x4_tanh_sigmoid_bce_xavier_adam_a0.1_xor", "hidden layers must be a whole number from 0 to 8"),
    ("bp1_2x99_tanh_sigmoid_bce_xavier_adam_a0.1_xor", "neurons must be"),
    ("bp1_2_tanh_sigmoid_bce_xavier_adam_a0.1_xor", "layers x neurons"),
    ("bp1_2x4_tanx_sigmoid_bce_xavier_adam_a0.1_xor", "unknown activation 'tanx'"),
    ("bp1_2x4_tanh_linear_bce_xavier_adam_a0.1_xor", "bce needs a sigmoid output"),
    ("bp1_2x4_tanh_sigmoid_bce_xavier_adam_anan_xor", "α must be a finite number"),
    ("bp1_2x4_tanh_sigmoid_bce_xavier_adam_a1e999_xor", "α must be a finite number"),
    ("bp1_2x4_tanh_sigmoid_bce_xavier_adam_a-1_xor", "α must be a positive number"),
    ("bp1_2x4_tanh_sigmoid_bce_xavier_adam_a0.1", "names no data set"),
    ("bp1_2x4_tanh_sigmoid_bce_xavier_adam_a0.1_xor_xor", "given twice"),
    ("bp1_2x4_tanh_sigmoid_bce_xavier_adam_a0.1_q5_xor", "not a setting"),
    ("bp1_2x4_tanh_sigmoid_bce_xavier_adam_a0.1_r_r_xor", "skips is given twice"),
    ("bp1_2x4_tanh_sigmoid_bce_xavier_adam_a0.1_r1_xor", "'r1' is not a setting"),
    ("bp1_2x4_tanh_sigmoid_bce_xavier_adam_a0.1_custom_t5", "bce needs targets from 0 to 1"),
    ("bp1_" + "x" * 1200, "too long"),
    ("\x00\x1b[2J\n", "not a playground code"),
]


@pytest.mark.parametrize(("code", "says"), GARBAGE)
def test_garbage_codes_get_a_one_line_reason(code, says):
    with pytest.raises(ValueError) as e:
        pg.decode(code)
    assert says in str(e.value)
    assert "\n" not in str(e.value) and "\x1b" not in str(e.value)


@given(st.text(max_size=80) | st.from_regex(r"bp1_[0-9x,]{0,6}(_[a-z0-9.,\-]{0,8}){0,9}", fullmatch=True))
def test_any_text_decodes_or_says_why_never_a_traceback(text):
    try:
        setup = pg.decode(text)
    except ValueError as e:
        assert str(e) and "\n" not in str(e)
    else:
        assert isinstance(setup, pg.Setup)


# -- data sets --------------------------------------------------------------------------------------------------


def test_the_built_in_data_sets_and_their_sizes():
    xor, circle, sine = (pg.DATASETS[n] for n in ("xor", "circle", "sine"))
    assert xor.size_text() == "4 samples · 2 in → 1 out"
    assert [t[0] for t in xor.targets] == [0, 1, 1, 0]
    assert circle.size_text() == "40 samples · 2 in → 1 out"
    inside = [x for x, t in zip(circle.inputs, circle.targets) if t == (1.0,)]
    assert len(inside) == 20 and all(math.hypot(*p) < pg.CIRCLE_RADIUS for p in inside)
    assert all(-1 <= v <= 1 for p in circle.inputs for v in p)
    assert sine.size_text() == "20 samples · 1 in → 1 out"
    assert sine.inputs[0][0] == pytest.approx(-math.pi) and sine.inputs[-1][0] == pytest.approx(math.pi)
    assert all(t[0] == pytest.approx(math.sin(x[0])) for x, t in zip(sine.inputs, sine.targets))
    custom = pg.dataset(pg.Setup(data="custom", inputs=(1, 2, 3), target=(0.5, 0.25)))
    assert custom.size_text() == "1 sample · 3 in → 2 out"
    assert pg.Setup(data="custom", inputs=(1, 2, 3), target=(0.5, 0.25), hidden=1).sizes == (3, 4, 2)


# -- training ----------------------------------------------------------------------------------------------


def run(setup: pg.Setup, steps: int = pg.TRAIN_STEPS) -> pg.Trainer:
    trainer = pg.Trainer(setup)
    for _ in range(steps):
        if trainer.step() is None:
            break
    return trainer


def test_the_default_network_learns_xor():
    trainer = run(pg.Setup())
    curve = trainer.curve()
    assert trainer.steps == 100 and len(curve) == 101 and not trainer.diverged
    assert curve[0] == trainer.start_loss
    assert curve[-1] < 0.05 * curve[0]
    assert trainer.right() == (4, 4)
    assert all(len(h) == 100 for h in trainer.grad_history) and len(trainer.grad_history) == 3
    assert [h.layer for h in trainer.health] == [1, 2, 3]
    assert [g.shape for g in trainer.grads] == [(2, 4), (4, 4), (4, 1)]


def test_a_step_reports_the_loss_and_each_layers_health():
    trainer = pg.Trainer(pg.Setup(hidden=3, activation=("relu",), init="he"))
    result = trainer.step()
    assert result is not None and result.step == 1 and result.loss == trainer.start_loss
    assert [h.layer for h in result.health] == [1, 2, 3, 4]
    assert result.health[0].magnitude == trainer.grad_history[0][0]
    assert trainer.current_loss() < trainer.start_loss


def test_the_same_set_up_trains_the_same_way():
    a, b = run(pg.Setup(data="circle"), 20), run(pg.Setup(data="circle"), 20)
    assert a.curve() == b.curve()
    c = run(pg.Setup(data="circle", seed=1), 20)
    assert c.curve() != a.curve()


@pytest.mark.parametrize("lr", [5.0, 100.0])
def test_a_wild_alpha_diverges_and_the_run_stops(lr):
    trainer = run(pg.Setup(data="sine", output="linear", loss="mse", optimizer="sgd", lr=lr))
    assert trainer.diverged
    assert trainer.steps < 100
    steps = trainer.steps
    assert trainer.step() is None and trainer.steps == steps  # no more steps once diverged
    assert not math.isfinite(trainer.losses[-1]) or trainer.losses[-1] > trainer.limit


def test_the_trainer_runs_the_one_training_loop_with_the_playgrounds_blowup_limit():
    import numpy as np

    from backprop_tui.engine import MLP, make_optimizer
    from backprop_tui.engine.names import BLOWUP
    from backprop_tui.models.training import Training

    setup = pg.Setup(data="circle", optimizer="momentum", lr=0.3, l2=0.01, clip=2.0, seed=3)
    trainer = run(setup, 30)
    assert isinstance(trainer.training, Training)
    assert trainer.limit == BLOWUP * max(trainer.start_loss, 1.0)
    # the same steps taken by hand with the engine give the same losses, to the last bit
    data = pg.dataset(setup)
    net = MLP(setup.sizes, activations=setup.activations, loss=setup.loss, init=setup.init, seed=setup.seed)
    opt = make_optimizer(setup.optimizer, setup.lr, l2=setup.l2, clip=setup.clip)
    by_hand = Training(net, np.array(data.inputs), np.array(data.targets), opt)
    assert [s.loss for s in by_hand.run(30)] == trainer.losses


def test_skips_go_round_hidden_layers_as_wide_as_their_input():
    setup = pg.Setup(skips=True)  # 2 → 4 → 4 → 1: only the 4 → 4 layer keeps its width
    assert setup.skip_layers == (2,)
    trainer = pg.Trainer(setup)
    assert trainer.net.skips == (False, True, False)
    plain = pg.Trainer(pg.Setup())
    assert all((a == b).all() for a, b in zip(plain.net.W, trainer.net.W))  # the same weights …
    assert trainer.start_loss != plain.start_loss  # … but the skip adds layer 1's output to layer 2's
    assert pg.Setup(skips=True, hidden=3, neurons=(2,)).skip_layers == (1, 2, 3)
    assert pg.Setup(skips=True, hidden=3, neurons=(8, 4, 2)).skip_layers == ()
    assert pg.Setup(skips=False, hidden=3, neurons=(2,)).skip_layers == ()


def test_turning_skips_on_where_no_layer_can_have_one_says_so():
    result = pg.edit(pg.Setup(neurons=(8, 4)), "skips", "on")
    assert result.ok and result.setup.skips and "none is yet" in result.note
    assert pg.edit(pg.Setup(), "skips", "on").note == ""  # the 4 → 4 layer has one


def test_a_snapshot_holds_the_run_as_it_was():
    trainer = run(pg.Setup(skips=True), 3)
    snap = trainer.snapshot()
    assert (snap.sizes, snap.activations, snap.skip_layers) == ((2, 4, 4, 1), ("tanh", "tanh", "sigmoid"), (2,))
    assert snap.steps == 3 and not snap.diverged and snap.right == trainer.right()
    assert snap.curve == tuple(trainer.curve()) and snap.loss == trainer.current_loss()
    assert snap.grad_history == tuple(tuple(h) for h in trainer.grad_history) and len(snap.grads) == 3
    trainer.step()
    assert snap.steps == 3 and len(snap.curve) == 4 and len(snap.grad_history[0]) == 3  # it does not move on
    diverged = run(pg.Setup(data="sine", output="linear", loss="mse", optimizer="sgd", lr=5.0)).snapshot()
    assert diverged.diverged and math.isnan(diverged.loss) and diverged.right is None


def test_a_snapshot_is_the_same_object_until_a_step_is_taken():
    """The board is handed the snapshot on every step key: the same object means nothing to redraw."""
    trainer = run(pg.Setup(), 2)
    first = trainer.snapshot()
    assert trainer.snapshot() is first
    trainer.step()
    second = trainer.snapshot()
    assert second is not first and second.steps == 3 and second.loss == trainer.current_loss()
    assert trainer.snapshot() is second


# -- what the bars mean, and the pace -------------------------------------------------------------------------------


def health(*magnitudes: float) -> tuple[SimpleNamespace, ...]:
    """Layer healths of these mean |dL/dW|, classed as the engine classes them."""
    from backprop_tui.engine.health import classify

    return tuple(SimpleNamespace(layer=i, magnitude=m, status=classify(m)) for i, m in enumerate(magnitudes, start=1))


def run_of(curve: list[float], *magnitudes: float, diverged: bool = False, weights=()) -> SimpleNamespace:
    """A snapshot-like run: its loss curve (the last is the loss now) and its last step's bars."""
    return SimpleNamespace(
        steps=len(curve) - 1, curve=tuple(curve), loss=math.nan if diverged else curve[-1],
        health=health(*magnitudes), diverged=diverged, weights=weights,
    )  # fmt: skip


def test_small_bars_after_the_loss_fell_to_a_tenth_are_read_as_settled_not_as_a_fault():
    settled = pg.read_health(run_of([1.0, 0.5, 0.1], 0.005, 0.3))
    assert settled == pg.Reading("settled", {"start": 1.0, "loss": 0.1, "label": "Bad"})
    assert pg.read_health(run_of([1.0, 0.5, 0.1], 0.05, 0.3)).values["label"] == "Warn"  # the worst small bar's word
    assert pg.read_health(run_of([1.0, 0.5, 0.11], 0.2, 0.3)) is None  # not a tenth yet, and healthy bars
    assert pg.read_health(run_of([1.0, 0.5, 0.1], 0.2, 0.3)) is None  # nothing small to explain


def test_tiny_bars_on_a_flat_high_loss_are_read_as_stalled():
    flat = [1.0] + [0.7] * 11
    assert pg.read_health(run_of(flat, 1e-7, 1e-6)).kind == "stalled"
    assert pg.read_health(run_of(flat[:-1] + [0.695], 1e-7, 1e-6)).kind == "stalled"  # moved less than 1 %
    assert pg.read_health(run_of(flat[:-1] + [0.68], 1e-7, 1e-8)) is None  # still moving, and nothing vanishing
    assert pg.read_health(run_of(flat[:5], 1e-7, 1e-8)) is None  # too few steps to call it stuck
    assert pg.read_health(run_of(flat, 1e-7, 0.02)).kind == "vanishing"  # not every bar tiny


def test_a_first_layer_far_below_the_last_is_read_as_vanishing():
    reading = pg.read_health(run_of([1.0, 0.9], 1e-5, 1e-2, 0.2))
    assert reading is not None and reading.kind == "vanishing"
    assert reading.values["last"] == 3 and reading.values["ratio"] == pytest.approx(0.2 / 1e-5)
    assert pg.read_health(run_of([1.0, 0.9], 0.005, 0.04)) is None  # only 8 times smaller
    assert pg.read_health(run_of([1.0, 0.9], 0.0, 0.2)) is None  # no gradient at all is no ratio


def test_a_diverged_run_is_read_as_its_blow_up_with_its_largest_weight():
    import numpy as np

    weights = (np.array([[1.0, -300.0]]), np.array([[2.0], [5.0]]))
    reading = pg.read_health(run_of([1.0, 5.0, 1e9], 1e-8, 3.0, diverged=True, weights=weights))
    assert reading == pg.Reading("diverged", {"step": 2, "weight": 300.0})
    assert pg.read_health(run_of([1.0, math.nan], diverged=True)).kind == "not-a-number"  # no bars at all
    assert pg.read_health(run_of([1.0, math.nan], math.nan, 1.0, diverged=True)).kind == "not-a-number"
    assert pg.read_health(run_of([1.0])) is None  # no step yet


@pytest.mark.parametrize(
    ("setup", "steps", "kind"),
    [
        (pg.Setup(), 100, "settled"),
        (pg.Setup(hidden=8, neurons=(16,), activation=("sigmoid",), data="circle", optimizer="sgd", lr=0.5), 100, "stalled"),
        (pg.Setup(hidden=8, neurons=(16,), activation=("sigmoid",), data="circle", optimizer="sgd", lr=0.5), 1, "vanishing"),
        (pg.Setup(data="sine", output="linear", loss="mse", optimizer="sgd", lr=5.0), 100, "diverged"),
        (pg.Setup(data="sine", output="linear", loss="mse"), 1, None),
    ],
)
def test_real_runs_are_read_as_their_bars_show(setup, steps, kind):
    reading = pg.read_health(run(setup, steps).snapshot())
    assert (reading.kind if reading else None) == kind


def test_the_pace_is_a_wait_between_steps_and_full_speed_has_none():
    assert pg.PACES == tuple(sorted(pg.PACES)) and pg.PACES[-1] == pg.FULL_SPEED
    default = pg.PACES[pg.DEFAULT_PACE]
    assert 2.0 <= pg.TRAIN_STEPS * pg.step_wait(default) <= 3.0  # about 2–3 s for a run of t
    assert pg.step_wait(pg.FULL_SPEED) == 0 and pg.step_wait(5.0) == 0.2
    assert (pg.pace_text(default), pg.short_pace(default), pg.run_text(default)) == (
        "40 steps/s", "40/s", "100 steps take about 2.5 s",
    )  # fmt: skip
    assert (pg.pace_text(pg.FULL_SPEED), pg.short_pace(pg.FULL_SPEED)) == ("full speed", "max")


def test_a_code_is_saved_whole_to_its_file(tmp_path):
    code = pg.encode(pg.Setup(data="custom", loss="mse", output="linear", inputs=(0.1,) * 16))
    path = pg.save_code(code, tmp_path / "new")
    assert path == tmp_path / "new" / pg.CODE_FILE and path.read_text(encoding="utf-8") == code + "\n"
    assert pg.decode(path.read_text(encoding="utf-8")) == pg.decode(code)


# -- the command line ---------------------------------------------------------------------------------------------


@pytest.fixture
def opened(monkeypatch):
    """Every BackpropApp the command line would run (as from a terminal), without running it."""
    from backprop_tui import cli
    from backprop_tui.app import BackpropApp

    apps: list[BackpropApp] = []
    monkeypatch.setattr(BackpropApp, "run", lambda self, *a, **k: apps.append(self))
    monkeypatch.setattr(cli, "has_terminal", lambda: True)
    return apps


def test_dash_dash_playground_opens_the_playground_with_that_code(opened):
    code = pg.encode(pg.Setup(hidden=3, neurons=(8,), activation=("relu",), init="he", seed=7))
    assert main(["--playground", code]) == 0
    (app,) = opened
    assert app.start_section == "playground" and app.playground == code
    assert main(["--section", "playground", "--playground", f" {code} "]) == 0
    assert opened[1].playground == code


@pytest.mark.parametrize(("code", "says"), GARBAGE[2:8] + [("", "empty")])
def test_a_bad_code_exits_2_with_one_line_naming_the_option(capsys, opened, code, says):
    with pytest.raises(SystemExit) as exit_:
        main(["--playground", code])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "argument --playground:" in err and says in err
    assert not opened


def test_playground_and_another_section_clash(capsys, opened):
    with pytest.raises(SystemExit) as exit_:
        main(["--section", "intro", "--playground", pg.encode(pg.Setup())])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "argument --playground" in err
    assert not opened


def test_help_mentions_playground(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "--playground CODE" in capsys.readouterr().out
