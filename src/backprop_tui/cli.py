"""The command line: the lesson, ``trace``, ``serve``, ``class``, ``verify`` and ``reset`` (DESIGN §2, §5, §6).

Bad arguments exit with status 2 and one line naming the argument — never a
traceback. Heavy imports (numpy, the engine, the app) happen only inside the
command that needs them, so ``--help`` and ``--version`` answer at once.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn, TypeVar

from backprop_tui import __version__, parsing
from backprop_tui.engine.names import (
    ACTIVATION_NAMES,
    INIT_NAMES,
    LOSS_NAMES,
    OPTIMIZERS,
    OUTPUT_ACTIVATIONS,
)
from backprop_tui.engine.presets import LESSON_INPUT, LESSON_LAYERS, LESSON_LR, LESSON_TARGET
from backprop_tui.lesson.sections import SECTION_IDS

PROG = "backprop-tui"

MAX_STEPS = 100_000
MAX_SEED = parsing.MAX_SEED


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but an error is one line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        """Print ``PROG: error: message`` (one line) and exit with status 2."""
        message = " ".join(message.split())
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


# -- argument types: the parsers of backprop_tui.parsing, their reason as argparse's error -------------

T = TypeVar("T")


def argument(parse: Callable[[str], T]) -> Callable[[str], T]:
    """``parse`` as an argparse type: its ``ValueError`` becomes an ``ArgumentTypeError`` with the same reason."""

    def convert(text: str) -> T:
        try:
            return parse(text)
        except ValueError as e:
            raise argparse.ArgumentTypeError(str(e)) from None

    convert.__name__ = getattr(parse, "__name__", "value")
    return convert


positive_number = argument(parsing.positive_number)
non_negative_number = argument(parsing.non_negative_number)
seed = argument(parsing.seed)
layer_sizes = argument(parsing.layer_sizes)
numbers = argument(parsing.numbers)
learner_name = argument(parsing.learner_name)


def _steps(text: str) -> int:
    """A whole number of steps from 1 to 100000."""
    return parsing.integer(text, 1, MAX_STEPS, "a whole number of steps")


steps = argument(_steps)


def _choice(choices: Sequence[str], what: str) -> Callable[[str], str]:
    return argument(parsing.choice(choices, what))


def _playground_code(text: str) -> str:
    """A playground share code that reads as a set-up (``bp1_…``)."""
    from backprop_tui.models.playground import decode

    decode(text)
    return text.strip()


playground_code = argument(_playground_code)


def _database(text: str) -> object:
    """A progress database: a ``postgresql://`` URL, or an SQLite file's path."""
    from backprop_tui.progress.backends import parse_target

    return parse_target(text)


database = argument(_database)
DATABASE_HELP = (
    "keep progress in this database: postgresql://USER@HOST:PORT/DBNAME (its password in ~/.pgpass or "
    "$PGPASSWORD: a command line is visible to every user of the machine), or an SQLite file "
    "(default: $BACKPROP_TUI_DATABASE, else progress.sqlite3 in the data directory)"
)


def _add_database(parser: argparse.ArgumentParser, default: object = None) -> None:
    parser.add_argument("--database", type=database, default=default, metavar="URL", help=DATABASE_HELP)


# -- the parser -------------------------------------------------------------------

_VALUE_OPTIONS = {"--layers", "--input", "--target", "--lr", "--clip", "--l2", "--seed", "--steps"}
_NEGATIVE = re.compile(r"^-([\d.]|inf|nan|infinity)", re.IGNORECASE)
"""A value that starts with a minus (``-0.5``, ``-inf``, ``-nan``), not an option."""


def _join_negative_values(argv: Sequence[str]) -> list[str]:
    """``--input -0.5,0.3`` as ``--input=-0.5,0.3``: argparse would read the value as an option."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        tok = argv[i]
        if tok in _VALUE_OPTIONS and i + 1 < len(argv) and _NEGATIVE.match(argv[i + 1]):
            out.append(f"{tok}={argv[i + 1]}")
            i += 2
        else:
            out.append(tok)
            i += 1
    return out


def _section(text: str) -> str:
    """A section by its id or its number (1–8)."""
    text = text.strip()
    if text in SECTION_IDS:
        return text
    if text.isdigit() and 1 <= int(text) <= len(SECTION_IDS):
        return SECTION_IDS[int(text) - 1]
    raise ValueError(f"must be a section number 1–{len(SECTION_IDS)} or one of {', '.join(SECTION_IDS)}; got {text!r}")


section_id = argument(_section)


def build_parser(commands: bool = True) -> ArgumentParser:
    """The whole command line (without its subcommands when ``commands`` is false: the lesson's
    own options only, which is all a plain ``backprop-tui --section 3`` needs, and quicker to build)."""
    parser = ArgumentParser(
        prog=PROG,
        description="Learn backpropagation in the terminal: watch real gradients flow, layer by layer.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--section",
        type=section_id,
        metavar="ID",
        help=f"open the lesson at this section: its number 1–{len(SECTION_IDS)} or its id ({', '.join(SECTION_IDS)})",
    )
    parser.add_argument("--name", type=learner_name, metavar="NAME", help="the learner's name (default: your login name)")
    parser.add_argument(
        "--playground",
        type=playground_code,
        metavar="CODE",
        help="open the playground (section 7) with the set-up of this share code",
    )
    _add_database(parser)
    if not commands:
        return parser
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    trace = sub.add_parser(
        "trace",
        help="run the engine without a screen and print its events as JSON Lines",
        description=(
            "Run the engine without a screen and print one JSON object per event: init once, then "
            "for each step forward (layers 1..L), loss, backward (layers L..1) and update (layers 1..L). "
            "The defaults give the lesson network of section 4."
        ),
    )
    def csv(values: Sequence[object]) -> str:
        return ",".join(f"{v:g}" if isinstance(v, float) else str(v) for v in values)

    add = trace.add_argument
    add("--layers", type=layer_sizes, default=LESSON_LAYERS, metavar="N,N,…",
        help=f"layer sizes, input first (default: {csv(LESSON_LAYERS)})")
    add("--activation", type=_choice(ACTIVATION_NAMES, "activation"), default="sigmoid", metavar="NAME",
        help=f"hidden activation: {' | '.join(ACTIVATION_NAMES)} (default: sigmoid)")
    add("--output", type=_choice(OUTPUT_ACTIVATIONS, "output activation"), default="linear", metavar="NAME",
        help=f"output activation: {' | '.join(OUTPUT_ACTIVATIONS)} (default: linear)")
    add("--loss", type=_choice(LOSS_NAMES, "loss"), default="mse", metavar="NAME",
        help="mse | bce; bce needs --output sigmoid (default: mse)")
    add("--init", type=_choice(INIT_NAMES, "init"), default="lesson", metavar="NAME",
        help=f"{' | '.join(INIT_NAMES)}; lesson only for {csv(LESSON_LAYERS)} (default: lesson)")
    add("--seed", type=seed, default=0, metavar="N", help="seeds the initial weights (default: 0)")
    add("--input", type=numbers, default=LESSON_INPUT, metavar="X,X,…",
        help=f"one sample, a number per input neuron (default: {csv(LESSON_INPUT)})")
    add("--target", type=numbers, default=LESSON_TARGET, metavar="T,…",
        help=f"a number per output neuron (default: {csv(LESSON_TARGET)})")
    add("--lr", type=positive_number, default=LESSON_LR, metavar="ALPHA",
        help=f"learning rate α (default: {LESSON_LR:g})")
    add("--steps", type=steps, default=1, metavar="N",
        help=f"training steps on the same sample, 1 to {MAX_STEPS} (default: 1)")
    add("--optimizer", type=_choice(OPTIMIZERS, "optimizer"), default="sgd", metavar="NAME",
        help=f"{' | '.join(OPTIMIZERS)}, with PyTorch's default settings (default: sgd)")
    add("--clip", type=positive_number, default=None, metavar="NORM",
        help="clip the global gradient norm to NORM (default: off)")
    add("--l2", type=non_negative_number, default=0.0, metavar="LAMBDA",
        help="add LAMBDA·W to each weight gradient, biases excluded (default: 0)")
    trace.set_defaults(handler=_run("backprop_tui.trace", "run_trace"), parser=trace)
    _add_classroom(sub)
    return parser


def _add_classroom(sub: argparse._SubParsersAction[ArgumentParser]) -> None:
    """``serve``, ``class``, ``verify`` and ``reset`` (DESIGN §2 and §5)."""
    serve = sub.add_parser(
        "serve",
        help="the classroom: serve the lesson over SSH, one lesson per student",
        description=(
            "Serve the lesson over SSH: every student types `ssh -p PORT theirname@this-host` and gets "
            "their own lesson, with their progress kept here. Choose how students sign in "
            "(--password, --password-file, --authorized-keys, or --open for no sign-in at all)."
        ),
    )
    add = serve.add_argument
    add("--host", default="0.0.0.0", metavar="ADDRESS", help="address to listen on (default: 0.0.0.0)")
    add("--port", type=argument(parsing.port), default=2222, metavar="PORT", help="port to listen on (default: 2222)")
    add("--password", metavar="SECRET", help="one password for the whole class")
    add("--password-file", metavar="FILE", help="read the class password from the first line of FILE")
    add("--authorized-keys", metavar="FILE", help="an OpenSSH authorized_keys file of the keys that may sign in")
    add("--open", action="store_true", help="no sign-in at all: anyone who reaches the port gets a lesson")
    add("--max-sessions", type=argument(parsing.session_count), default=50, metavar="N",
        help="students connected at once; the next one is told the class is full (default: 50)")
    add("--idle-timeout", type=argument(parsing.idle_seconds), default=1800, metavar="SECONDS",
        help="close a session after this long without a key press, with a warning first (default: 1800)")
    add("--host-key", metavar="FILE", help="the server's Ed25519 host key (default: made once in the data directory)")
    add("--host-id", metavar="NAME",
        help="this server's name in the class view, when several share one --database (default: the machine's name)")
    _add_database(serve, argparse.SUPPRESS)
    serve.set_defaults(handler=_run("backprop_tui.server.main", "serve"), parser=serve)

    class_ = sub.add_parser(
        "class",
        help="the teacher's live view of every student in the progress database",
        description="A live table of every student: where they are, how their quick checks went, raised hands.",
    )
    class_.add_argument("--csv", action="store_true", help="print the students' table as CSV (one row per student) and exit")
    _add_database(class_, argparse.SUPPRESS)
    class_.set_defaults(handler=_run("backprop_tui.class_app", "run_class"), parser=class_)

    verify = sub.add_parser(
        "verify",
        help="check a certificate: valid (exit 0), or why not (exit 1)",
        description="Check that a certificate (its text or SVG) was signed by this installation and is unchanged.",
    )
    verify.add_argument("file", metavar="FILE", help="the certificate: its .txt or .svg file")
    verify.set_defaults(handler=_run("backprop_tui.progress.signing", "verify_command"), parser=verify)

    reset = sub.add_parser(
        "reset",
        help="clear this learner's progress, and nothing else",
        description=(
            "Clear one learner's progress (place, answers, exercises, time, raised hand, certificate); "
            "other learners keep theirs."
        ),
    )
    reset.add_argument("--name", type=learner_name, metavar="NAME", help="the learner (default: your login name)")
    reset.add_argument("--yes", action="store_true", help="don't ask first")
    _add_database(reset, argparse.SUPPRESS)
    reset.set_defaults(handler=_run("backprop_tui.progress.reset", "reset_command"), parser=reset)


def _run(module: str, function: str) -> Callable[[argparse.Namespace], int]:
    """A handler that imports ``module`` only when its command runs (so other commands never pay for it)."""

    def handler(args: argparse.Namespace) -> int:
        import importlib

        run: Callable[[argparse.Namespace], int] = getattr(importlib.import_module(module), function)
        return run(args)

    handler.__name__ = f"run_{function}"
    return handler


NO_TERMINAL = (
    f"{PROG}: the lesson needs a terminal to draw in (stdin and stdout are not one); "
    f"`{PROG} trace` prints the engine's numbers to a pipe or a file."
)


def has_terminal() -> bool:
    """stdin and stdout are a terminal, and this process has one to control (not cron, not setsid)."""
    import os

    if not (sys.stdin is not None and sys.stdout is not None and sys.stdin.isatty() and sys.stdout.isatty()):
        return False
    try:
        os.close(os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY))
    except OSError:
        return False
    return True


def run_app(args: argparse.Namespace) -> int:
    """Open the lesson in this terminal (exit 2 with one line if there is none)."""
    if not has_terminal():
        print(NO_TERMINAL, file=sys.stderr)
        return 2
    from backprop_tui.app import BackpropApp

    if args.database is not None:  # the app opens the store named here (progress.store.open_store reads it)
        import os

        from backprop_tui.progress.backends import DATABASE_ENV

        os.environ[DATABASE_ENV] = str(args.database)
    section = args.section
    if args.playground is not None:
        if section not in (None, "playground"):
            build_parser().error(f"argument --playground: opens the playground, not --section {section}")
        section = "playground"
    BackpropApp(section=section, learner=args.name, playground=args.playground).run()
    return 0


_LESSON_OPTIONS = ("--section", "--name", "--playground", "--database")


def _lesson_only(argv: Sequence[str]) -> bool:
    """Only the lesson's own options, each with its value (``--section 3 --name amy``): the lesson's
    start-up need not build every subcommand's parser. Anything else gets the whole command line."""
    i = 0
    while i < len(argv):
        option = argv[i].partition("=")[0]
        if option not in _LESSON_OPTIONS:
            return False
        i += 1 if "=" in argv[i] else 2
    return i == len(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(commands=not _lesson_only(argv))
    try:
        args = parser.parse_args(_join_negative_values(argv))
        handler = getattr(args, "handler", run_app)
        return handler(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as other command-line tools do.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
