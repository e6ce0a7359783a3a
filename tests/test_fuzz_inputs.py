"""Malformed input on every channel: one error line, exit 2, no file left behind, no hang.

Channels: CLI options of every command, scenario files (and the web UI's upload loader),
sweep specs, game files (.npy and JSON), coalition files and report folders. Each gets a
corpus of known-bad cases (nesting, huge integers, forged headers, paths that cannot be
created, ...) and hypothesis-generated mutations. The bulk runs in-process through
`main()` under an alarm (a hang fails the test); a sample runs as real processes with a
timeout, where a traceback would show exactly as a user sees it.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import signal
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout, suppress
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from pausegame.cli import main
from pausegame.errors import InputError
from pausegame.experiments.sweep import run_sweep
from pausegame.experiments.sweep_spec import parse_sweep_spec

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = (ROOT / "pausegame" / "scenarios" / "article.toml").read_text(encoding="utf-8")
ERROR_LINE = re.compile(r"pausegame( \w+)?: error: ")  # usage errors name the subcommand
HANG_SECONDS = 20  # far above any case here (the slowest takes about a second)
SPEC = "steps = 2\nseeds = 2\n[grid]\nverification = [0.1, 0.9]\n"
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class Hang(BaseException):
    """Raised by the alarm: `main()` took longer than HANG_SECONDS (not caught by it)."""


def files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")} if folder.exists() else set()


def cli(argv: list[str], watch: Path) -> tuple[int, str, str]:
    """Run `main(argv)` in this process under an alarm; (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()

    def alarm(signum: int, frame: object) -> None:
        raise Hang(argv)

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, HANG_SECONDS)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as stop:  # argparse's usage errors and --help
                code = stop.code if isinstance(stop.code, int) else 2
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return code, out.getvalue(), err.getvalue()


def rejects(argv: list[str], watch: Path, valid_ok: bool = False) -> int:
    """Assert the CLI refuses `argv` cleanly (or, if `valid_ok`, runs it): no traceback,
    one `pausegame: error:` line, exit 2, and not one file added under `watch`."""
    before = files(watch)
    code, out, err = cli(argv, watch)
    assert "Traceback" not in err and "Traceback" not in out, err
    if valid_ok and code == 0:
        return code
    assert code == 2, (argv[:6], code, err[-500:])
    lines = err.strip().splitlines()
    assert len(lines) == 1 and ERROR_LINE.match(lines[0]), (argv[:6], err[-500:])
    assert files(watch) == before, (argv[:6], files(watch) - before)
    return code


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# ----- corpora --------------------------------------------------------------------------------

BAD_NUMBERS = [
    "-1", "1e400", "-1e400", "9" * 5000, "nan", "inf", "1.5", "", " ", "0x10", str(10**30),
    "1e5000", "1_000_000_000_000", "\x00", "1\n2", "--",
]  # fmt: skip
BIG = "1_000_000_000_000"  # too many steps, workers or seeds, but a fine seed
NESTED = ["a = " + "[" * n + "]" * n for n in (50, 5000, 300_000)] + [
    "a = " + "{b = " * n + "1" + "}" * n for n in (50, 5000)
]
TOML_CASES = [
    *NESTED,
    "a" + ".a" * 50_000 + " = 1",
    '"a".' * 20_000 + "b = 1",
    "[" + "a." * 20_000 + "b]",
    ARTICLE.replace("steps = 120", f"steps = {10**30}"),
    ARTICLE.replace("steps = 120", "steps = 1" + "0" * 5000),
    ARTICLE.replace("steps = 120", "steps = 1e400"),
    ARTICLE.replace("steps = 120", "steps = [[[[1]]]]"),
    ARTICLE.replace("safety = 0.8 ", f"capability = {10**40}\nsafety = 0.8 ", 1),
    ARTICLE.replace("capability = ", "capability = -1e308 #", 1),
    *(
        ARTICLE.replace("transparency = 0.7 ", f"rivalry = {rivalry}\ntransparency = 0.7 ")
        for rivalry in (f"{{ China = {10**400} }}", "{ China = [1, [2]] }", str(10**40))
    ),
    ARTICLE + "".join(
        f'\n[[labs]]\nname = "L{i}"\nstate = "US"\ncapability = 0.1\nsafety = 0.1\n'
        for i in range(70)
    ),
    ARTICLE + "".join(f'\n[[states]]\nname = "S{i}"\ntransparency = 0.5\n' for i in range(40)),
    ARTICLE.replace('name = "Anthropic"', 'name = "' + "A" * 1000 + '"'),
    ARTICLE.replace('name = "Anthropic"', 'name = "Anth\\nropic\\u0000"'),
    ARTICLE.replace("[params]", "[params.deep.er.than.you.think]"),
    ARTICLE + "\n[params]\nfine = 1\n",
    "",
    "# only a comment\n",
    ARTICLE + "\n" + "x" * (2 << 20),
]  # fmt: skip
BINARY_CASES = [b"\xff\xfe\x00garbage", ARTICLE.encode() + b"\x00\x00", bytes(range(256)) * 50]


# ----- CLI options ----------------------------------------------------------------------------


def test_bad_options_of_every_command(tmp_path):
    spec = write(tmp_path, "spec.toml", SPEC)
    a_file = write(tmp_path, "a-file", "x")
    game = write(tmp_path, "pd.json", '{"players": ["a"], "actions": [["x"]], "payoffs": [[1]]}')
    watch = tmp_path
    cases: list[list[str]] = []
    for value in BAD_NUMBERS:
        cases += [
            ["run", f"--steps={value}"],
            ["run", "--steps", "1", f"--seed={value if value != BIG else str(2**63)}"],
            ["equilibria", f"--at-step={value}"],
            ["equilibria", "--at-step", "1", f"--seed={value if value != BIG else '-5'}"],
            ["compare", "article", f"--seeds={value}"],
            ["compare", "article", f"--steps={value}"],
            ["sweep", str(spec), "--out", str(tmp_path / "o"), f"--workers={value}"],
            ["sweep", str(spec), "--out", str(tmp_path / "o"), f"--batch-size={value}"],
            ["sweep", str(spec), "--out", str(tmp_path / "o"), f"--chunk-size={value}"],
            ["ui", f"--port={value}"],
            ["run", "--steps", "1", "--set", f"trigger_steps={value}"],
            ["run", "--steps", "1", "--set", f"lookahead={value}"],
            ["run", "--steps", "1", "--set", f"lab.Anthropic.safety={value}"],
        ]
    for port in ("0", "65536", "-1", "http"):
        cases.append(["ui", "--port", port])
    for assignment in (
        *("fine", "=3", "fine=", "lab.Nobody.safety=1", "lab.Anthropic.x=1", "lab..=1"),
        *("a.b.c.d=1", "state.US.transparency=2", "\x00=1", "é" * 9000),
    ):
        cases.append(["run", "--steps", "1", "--set", assignment])
    for scenario in ("", "no-such", "/", str(tmp_path), "\x00", "a" * 5000, str(a_file)):
        cases.append(["run", "--steps", "1", "--scenario", scenario])
    for out in (tmp_path / "x.xlsx", a_file / "sub" / "x.csv", tmp_path, a_file / "x.parquet"):
        cases.append(["run", "--steps", "1", "--out", str(out)])
    for plot in (a_file / "sub" / "x.png", tmp_path / "x.gif", a_file / "x.png"):
        cases.append(["run", "--steps", "1", "--plot", str(plot)])
    cases += [
        ["run", "--no-such-option"],
        ["nonsense"],
        [],
        ["equilibria", "--selection", "bogus"],
        ["equilibria", "--game", str(game), "--coalition-game", str(game)],
        ["equilibria", "--game", str(game), "--set", "fine=1"],
        ["equilibria", "--game", str(game), "--at-step", "3"],
        ["compare", "nope"],
        ["compare", "article:"],
        ["compare", "article:fine=1e400"],
        ["compare", "article:" + ",".join(["fine"] * 3)],
        ["compare", "article", "--plot", str(tmp_path / "x.gif")],
        ["compare", "article", "--plot", str(a_file / "x.png")],
        ["sweep", str(spec), "--out", str(a_file / "sub")],
        ["sweep", str(spec), "--out", str(a_file)],
        ["sweep", str(spec), "--out", str(tmp_path)],  # not empty, and no sweep in it
        ["sweep", str(spec), "--out", "\x00"],
        ["sweep", str(spec), "--out", str(tmp_path / ("d" * 300) / "o")],
        ["sweep", str(spec), "--out", str(tmp_path / "o"), "--workers", "2", "--scheduler", "x"],
        ["sweep", str(tmp_path / "missing.toml"), "--out", str(tmp_path / "o")],
        ["sweep", str(tmp_path), "--out", str(tmp_path / "o")],
        ["ui", "--host", " "],
    ]
    long = "a" * 5000  # longer than any file name: the OS refuses to look it up
    cases += [
        ["compare", long],
        ["compare", f"article:{long}=1"],
        ["report", long],
        ["run", "--steps", "1", "--out", f"{long}.csv"],
        ["run", "--steps", "1", "--out", str(tmp_path / long / "x.csv")],
        ["run", "--steps", "1", "--plot", f"{long}.png"],
        ["equilibria", "--game", f"{long}.npy"],
        ["equilibria", "--coalition-game", f"{long}.json"],
        ["sweep", f"{long}.toml", "--out", str(tmp_path / "o")],
    ]
    for argv in cases:
        rejects(argv, watch)


def test_bad_input_to_the_exploratory_and_stationary_commands(tmp_path):
    """The sensitivity spec, robustness options, discover folders and stationary options."""
    out = str(tmp_path / "o")
    a_file = write(tmp_path, "a-file", "x")
    cases: list[list[str]] = []
    for number, content in enumerate([*TOML_CASES, *BINARY_CASES]):
        if content in ("", "# only a comment\n"):  # valid: every assumed parameter, defaults
            continue
        spec = write(tmp_path, f"spec{number}.toml", content)
        cases.append(["sensitivity", str(spec), "--out", out])
    for text in ("method = 'sobol'\nsamples = 3\n", "seeds = -1\n", "[parameters]\nfine = 'x'\n"):
        cases.append(["sensitivity", str(write(tmp_path, "bad.toml", text)), "--out", out])
    cases.append(["sensitivity", str(tmp_path / "missing.toml"), "--out", out])
    for value in BAD_NUMBERS:
        cases += [
            ["robustness", "--out", out, f"--draws={value}"],
            ["robustness", "--out", out, f"--factor={value if value != '1.5' else '0.5'}"],
            ["robustness", "--out", out, f"--seeds={value}"],
            ["stationary", f"--mutation={value}"],
            ["stationary", f"--at-step={value}"],
            ["discover", str(tmp_path), f"--min-coverage={value}"],
        ]
    cases += [
        ["robustness", "--out", out, "--claims", "\x00"],
        ["robustness", "--out", out, "--parameters", "lab..x"],
        ["robustness", "--out", str(a_file)],
        ["discover", str(a_file)],
        ["discover", str(tmp_path / "missing")],
        ["discover", str(tmp_path), "--metric", "\x00"],
        ["stationary", "--rule", "bogus"],
        ["stationary", "--set", "fine=1e400"],
    ]
    for argv in cases:
        rejects(argv, tmp_path)


@FUZZ
@given(
    st.sampled_from(["--steps", "--seed", "--set"]),
    st.one_of(
        st.text(max_size=30),
        st.integers().map(str),
        st.integers(min_value=10**18).map(str),
        st.floats().map(repr),
    ),
)
def test_generated_run_options(tmp_path, option, value):
    argv = ["run", "--json"]
    if option == "--set":
        argv += ["--steps", "1", "--set", f"revision_rate={value}"]
    elif option == "--seed":
        argv += ["--steps", "1", f"--seed={value}"]
    else:
        try:
            if int(float(value)) > 5:
                value = "-" + value  # a run of many steps is valid input, only slow
        except (ValueError, OverflowError):
            pass
        argv.append(f"--steps={value}")
    rejects(argv, tmp_path, valid_ok=True)


# ----- scenario files and the UI's upload loader ---------------------------------------------


def upload(content: str | bytes, name: str) -> object:
    """What the UI does with a dropped file: its size is checked before it is read."""
    from pausegame.viz.guard import open_upload

    data = content.encode("utf-8") if isinstance(content, str) else content
    return open_upload(name, len(data), lambda: data)


def test_scenario_file_corpus(tmp_path):
    from pausegame.viz.guard import open_offered

    for number, content in enumerate([*TOML_CASES, *BINARY_CASES]):
        path = write(tmp_path, f"s{number}.toml", content)
        rejects(["run", "--steps", "1", "--scenario", str(path)], tmp_path)
        with pytest.raises(InputError):
            upload(content, name=f"upload{number}.toml")
        rejects(["equilibria", "--scenario", str(path)], tmp_path)
    # The most actors a scenario may have: it runs, but its treaty game is refused in one
    # line before 2^32 member sets are listed.
    big = 'name = "big"\n' + "".join(
        f'[[states]]\nname = "S{k}"\ntransparency = 0.5\n' for k in range(32)
    )
    big += "".join(
        f'[[labs]]\nname = "L{i}"\nstate = "S{i % 32}"\ncapability = 0.3\nsafety = 0.3\n'
        for i in range(64)
    )
    path = write(tmp_path, "big.toml", big)
    rejects(["equilibria", "--scenario", str(path)], tmp_path)
    rejects(["compare", str(path), "--seeds", "1", "--steps", "1", "--quiet"], tmp_path)
    # The page opens only what its dropdown offers: no typed path ever reaches a file.
    for typed in ("", "\x00.toml", "a" * 5000 + ".toml", "/.toml", str(tmp_path), str(path)):
        with pytest.raises(InputError):
            open_offered(typed, None)


def toml_value() -> st.SearchStrategy[str]:
    leaf = st.one_of(
        st.integers().map(str),
        st.integers(min_value=10**15).map(str),
        st.floats().map(lambda x: repr(x).replace("nan", "nan").replace("inf", "inf")),
        st.text(max_size=10).map(json.dumps),
        st.booleans().map(lambda b: str(b).lower()),
    )
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
            st.lists(inner, max_size=2).map(
                lambda xs: "{" + ", ".join(f"k{i} = {x}" for i, x in enumerate(xs)) + "}"
            ),
        ),
        max_leaves=8,
    )


def mutate(text: str, line: int, value: str) -> str:
    """Replace the value on the `line`-th `key = value` line of `text`."""
    lines = text.splitlines()
    assignments = [i for i, item in enumerate(lines) if " = " in item and not item.startswith("#")]
    index = assignments[line % len(assignments)]
    key = lines[index].split(" = ", 1)[0]
    lines[index] = f"{key} = {value}"
    return "\n".join(lines) + "\n"


@FUZZ
@given(st.integers(min_value=0), toml_value())
def test_generated_scenario_files(tmp_path, line, value):
    text = mutate(ARTICLE, line, value).replace("steps = 120", "steps = 2")
    path = write(tmp_path, "mutant.toml", text)
    rejects(["run", "--steps", "2", "--scenario", str(path), "--json"], tmp_path, valid_ok=True)
    with suppress(InputError):
        upload(text, name="mutant.toml")


# ----- sweep specs ----------------------------------------------------------------------------

THREE_AXES = ("leak_base", "discount", "revision_rate")  # 60 values each: too many points
SPEC_CASES = [
    SPEC.replace("seeds = 2", f"seeds = {10**30}"),
    SPEC.replace("seeds = 2", f"seeds = [{10**30}]"),
    SPEC.replace("seeds = 2", "seeds = [0, 1, 2, 1]"),
    SPEC.replace("seeds = 2", "seeds = -1"),
    SPEC.replace("seeds = 2", "seeds = 1e400"),
    SPEC.replace("seeds = 2", "seeds = [[1]]"),
    SPEC.replace("seeds = 2", "seeds = 10000000") + f"leak_pause = {[i / 10 for i in range(11)]}\n",
    SPEC.replace("steps = 2", f"steps = {10**30}"),
    SPEC.replace("steps = 2", "steps = 0"),
    SPEC + "fine = [" + ", ".join(str(1 + i / 1e6) for i in range(120_000)) + "]\n",
    SPEC + "".join(f"{name} = {[v / 100 for v in range(60)]}\n" for name in THREE_AXES),
    SPEC + '[sample]\ncount = 1000000000\nranges = { fine = [1.0, 2.0] }\n',
    SPEC + '[sample]\ncount = 200000\nranges = { fine = [1.0, 2.0] }\n',
    SPEC + '[sample]\ncount = 5\nranges = { fine = [2.0, 1.0] }\n',
    SPEC + '[sample]\ncount = 5\nranges = { fine = [[1.0, 2.0]] }\n',
    SPEC + '[sample]\ncount = 5\nmethod = "sobol"\nranges = { fine = [1.0, 2.0] }\n',
    SPEC + "[fixed]\nlab.Nobody.safety = 0.5\n",
    SPEC + "[fixed]\n" + "a." * 5000 + "b = 1\n",
    SPEC + "[fixed]\nx = " + "[" * 10000 + "]" * 10000 + "\n",
    SPEC + "[outputs]\ntraces = \"yes\"\n",
    SPEC + "colour = 1\n",
    'scenario = "nope"\n' + SPEC,
    "scenario = 5\n" + SPEC,
    'scenario = "bad-scenario.toml"\n' + SPEC,
    'scenario = "' + "x" * 5000 + '"\n' + SPEC,
    SPEC.replace("[0.1, 0.9]", "[0.1, 0.1]"),
    SPEC.replace("[0.1, 0.9]", "[]"),
    SPEC.replace("[0.1, 0.9]", f"[{10**40}]"),
    SPEC + "\n" + "#" * (2 << 20),
]  # fmt: skip


def test_sweep_spec_corpus(tmp_path):
    write(tmp_path, "bad-scenario.toml", NESTED[1])
    for number, content in enumerate([*SPEC_CASES, *BINARY_CASES]):
        spec = write(tmp_path, f"spec{number}.toml", content)
        rejects(["sweep", str(spec), "--out", str(tmp_path / "out"), "--workers", "1"], tmp_path)
        assert not (tmp_path / "out").exists()


@FUZZ
@given(st.integers(min_value=0), toml_value())
def test_generated_sweep_specs(tmp_path, line, value):
    text = mutate(SPEC + "[fixed]\nrevision_rate = 0.3\n", line, value)
    try:
        spec = parse_sweep_spec(text)
    except InputError:
        path = write(tmp_path, "spec.toml", text)
        rejects(["sweep", str(path), "--out", str(tmp_path / "out"), "--workers", "1"], tmp_path)
        assert not (tmp_path / "out").exists()
    else:  # valid: its size was checked against the limits
        assert spec.run_count <= 100_000_000


# ----- game and coalition files --------------------------------------------------------------


def npy_with_header(
    path: Path, shape: tuple[int, ...], data: bytes = b"", dtype: str = "<f8"
) -> Path:
    with path.open("wb") as handle:
        np.lib.format.write_array_header_1_0(
            handle, {"descr": dtype, "fortran_order": False, "shape": shape}
        )
        handle.write(data)
    return path


def game_corpus(folder: Path) -> list[Path]:
    int64 = np.iinfo(np.int64)
    paths = [
        npy_with_header(folder / "huge-shape.npy", (2,) + (2**20,) * 2),
        npy_with_header(folder / "n25.npy", (25,) + (2,) * 25),
        npy_with_header(folder / "truncated.npy", (2, 2, 2), b"\x00" * 10),
        npy_with_header(folder / "object.npy", (2, 2, 2), dtype="|O"),
        npy_with_header(folder / "complex.npy", (2, 2, 2), b"\x00" * 128, dtype="<c16"),
        write(folder, "junk.npy", b"\x93NUMPY\x01\x00\xff\xffgarbage"),
        write(folder, "random.npy", bytes(range(256))),
        write(folder, "empty.npy", b""),
        write(folder, "pd.txt", "1 2 3"),
        write(folder, "deep.json", "[" * 200_000),
        write(folder, "deep-object.json", '{"a":' * 100_000),
        write(
            folder,
            "n25.json",
            json.dumps(
                {
                    "players": [f"p{i}" for i in range(25)],
                    "actions": [["a", "b"]] * 25,
                    "payoffs": [],
                }
            ),
        ),
        write(
            folder,
            "bigint.json",
            json.dumps(
                {"players": ["a", "b"], "actions": [["x"], ["y"]], "payoffs": [[[10**40]], [[1]]]}
            ),
        ),
        write(
            folder,
            "huge.json",
            json.dumps(
                {
                    "players": ["a", "b"],
                    "actions": [["x"], ["y"]],
                    "payoffs": [[[1e308]], [[-1e308]]],
                }
            ),
        ),
        write(
            folder,
            "nan.json",
            '{"players": ["a", "b"], "actions": [["x"], ["y"]], '
            '"payoffs": [[[NaN]], [[Infinity]]]}',
        ),
        write(
            folder,
            "ragged.json",
            '{"players": ["a", "b"], "actions": [["x", "z"], ["y"]], '
            '"payoffs": [[[1], [2, 3]], [[1]]]}',
        ),
        write(folder, "strings.json", '{"players": ["a"], "actions": [["x"]], "payoffs": [["1"]]}'),
        write(folder, "list.json", "[1, 2, 3]"),
        write(folder, "bad.json", "{"),
        write(folder, "binary.json", b"\xff\xfe\x00"),
    ]
    for name, array in {
        "int64.npy": np.array([[[int64.max, int64.min], [0, 1]], [[1, 0], [0, 1]]]),
        "e308.npy": np.full((2, 2, 2), 1e308),
        "nan.npy": np.full((2, 2, 2), np.nan),
        "flat.npy": np.zeros((3, 2)),
        "scalar.npy": np.float64(1.0),
        "no-actions.npy": np.zeros((1, 0)),
        "structured.npy": np.zeros((2, 2, 2), dtype=[("a", "<f8")]),
    }.items():
        np.save(folder / name, array)
        paths.append(folder / name)
    np.save(folder / "pickled.npy", np.array([[None, 1]], dtype=object), allow_pickle=True)
    return [*paths, folder / "pickled.npy", folder / "missing.npy", folder]


def test_game_file_corpus(tmp_path):
    folder = tmp_path / "games"
    folder.mkdir()
    for path in game_corpus(folder):
        rejects(["equilibria", "--game", str(path), "--json"], tmp_path)


COALITION_CASES = [
    {"n": 10**40, "member_payoff": [0, 1], "nonmember_payoff": [0, 1]},
    {"n": 0, "member_payoff": [0], "nonmember_payoff": [0]},
    {"n": True, "member_payoff": [0, 1], "nonmember_payoff": [0, 1]},
    {"n": 1, "member_payoff": [0, 10**40], "nonmember_payoff": [0, 1]},
    {"n": 1, "member_payoff": [0, [1]], "nonmember_payoff": [0, 1]},
    {"n": 2_000_000, "member_payoff": [0, 1], "nonmember_payoff": [0, 1]},
    {"n": 2, "member_payoff": [0, 1], "nonmember_payoff": [0, 1]},
    {"member_payoff": [0, 1]},
    [1, 2],
]


def test_coalition_file_corpus(tmp_path):
    texts = [json.dumps(case) for case in COALITION_CASES]
    texts += ['{"n": 1, "member_payoff": [0, NaN], "nonmember_payoff": [Infinity, 1]}']
    texts += ["[" * 100_000, "{", '{"n": ' + "9" * 5000 + "}"]
    for number, text in enumerate(texts):
        path = write(tmp_path, f"c{number}.json", text)
        rejects(["equilibria", "--coalition-game", str(path)], tmp_path)
    rejects(["equilibria", "--coalition-game", str(write(tmp_path, "c.toml", "{}"))], tmp_path)


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=5),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=12,
)


@FUZZ
@given(
    hnp.arrays(
        dtype=st.sampled_from(["<i8", "<f8", "<f4", "|b1", "<u8", "|i1"]),
        shape=hnp.array_shapes(min_dims=1, max_dims=4, max_side=3),
        elements=None,
    )
)
def test_generated_npy_games(tmp_path, array):
    path = tmp_path / "game.npy"
    np.save(path, array)
    rejects(["equilibria", "--game", str(path), "--json", "--no-mixed"], tmp_path, valid_ok=True)


@FUZZ
@given(
    st.fixed_dictionaries(
        {"players": json_values, "actions": json_values, "payoffs": json_values},
        optional={"n": json_values, "member_payoff": json_values, "nonmember_payoff": json_values},
    ),
    st.booleans(),
)
def test_generated_json_games_and_coalitions(tmp_path, document, coalition):
    path = write(tmp_path, "game.json", json.dumps(document))
    option = "--coalition-game" if coalition else "--game"
    rejects(["equilibria", option, str(path), "--json", "--no-mixed"], tmp_path, valid_ok=True)


# ----- report folders -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("fuzz-sweep") / "sweep"
    spec = SPEC + "leak_pause = [0.0, 0.3]\n"
    run_sweep(parse_sweep_spec(spec), out, workers=1, batch_size=4, progress=False)
    return out


def broken_copies(source: Path, folder: Path) -> list[Path]:
    """Copies of a good sweep folder, each broken in one way."""
    manifest = json.loads((source / "_manifest.json").read_text(encoding="utf-8"))
    part = sorted(source.glob("part-*.parquet"))[0]
    frame = pd.read_parquet(part)

    def copy(name: str) -> Path:
        target = folder / name
        shutil.copytree(source, target)
        return target

    cases = []
    for name, text in {
        "junk-manifest": "junk",
        "list-manifest": "[]",
        "deep-manifest": "[" * 100_000,
        "swept-number": json.dumps({**manifest, "swept": 5}),
        "swept-unknown": json.dumps({**manifest, "swept": ["nope"]}),
        "spec-list": json.dumps({**manifest, "spec": []}),
    }.items():
        target = copy(name)
        (target / "_manifest.json").write_text(text, encoding="utf-8")
        cases.append(target)
    target = copy("no-manifest")
    (target / "_manifest.json").unlink()
    cases.append(target)
    target = copy("no-parts")
    for path in target.glob("part-*.parquet"):
        path.unlink()
    cases.append(target)
    target = copy("junk-part")
    (target / part.name).write_bytes(b"PAR1 not really")
    cases.append(target)
    for name, changed in {
        "no-outcome": frame.drop(columns=["outcome"]),
        "text-axis": frame.assign(verification=frame["verification"].astype(str)),
        "nan-axis": frame.assign(verification=np.nan),
    }.items():
        target = copy(name)
        for path in target.glob("part-*.parquet"):
            path.unlink()
        changed.to_parquet(target / part.name)
        cases.append(target)
    a_file = write(folder, "a-file", "x")
    return [*cases, folder / "missing", a_file]


def test_report_folder_corpus(sweep_folder, tmp_path):
    for folder in broken_copies(sweep_folder, tmp_path):
        rejects(["report", str(folder)], tmp_path)
    for argv in (
        ["--metric", "nope"],
        ["--x", "nope"],
        ["--x", "verification", "--y", "verification"],
        ["--out", str(write(tmp_path, "plain-file", "x") / "sub")],
        ["--out", str(tmp_path / "plain-file")],
    ):
        rejects(["report", str(sweep_folder), *argv], tmp_path)
        assert not (sweep_folder / "_report").exists()


@settings(FUZZ, max_examples=20)
@given(st.dictionaries(st.sampled_from(["swept", "spec"]), json_values, min_size=1))
def test_generated_report_manifests(sweep_folder, tmp_path, changes):
    target = tmp_path / "copy"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(sweep_folder, target)
    manifest = json.loads((target / "_manifest.json").read_text(encoding="utf-8"))
    (target / "_manifest.json").write_text(json.dumps({**manifest, **changes}), encoding="utf-8")
    rejects(["report", str(target), "--out", str(tmp_path / "report")], tmp_path, valid_ok=True)


# ----- a sample as real processes ------------------------------------------------------------


def test_a_sample_of_cases_in_real_processes(tmp_path):
    """As a user runs them: the exit status, one line on stderr, no file, within a timeout."""
    deep = write(tmp_path, "deep.toml", NESTED[2])
    huge = write(tmp_path, "huge.toml", ARTICLE.replace("steps = 120", f"steps = {10**30}"))
    header = npy_with_header(tmp_path / "forged.npy", (2,) + (2**20,) * 2)
    spec = write(tmp_path, "spec.toml", SPEC.replace("seeds = 2", f"seeds = {10**30}"))
    a_file = write(tmp_path, "a-file", "x")
    cases = [
        ["run", "--scenario", str(deep)],
        ["run", "--scenario", str(huge)],
        ["run", "--steps", "9" * 5000],
        ["equilibria", "--game", str(header)],
        ["sweep", str(spec), "--out", str(tmp_path / "out")],
        ["sweep", str(write(tmp_path, "ok.toml", SPEC)), "--out", str(a_file / "sub")],
        ["report", str(a_file)],
    ]
    for argv in cases:
        before = files(tmp_path)
        process = subprocess.run(
            [sys.executable, "-m", "pausegame.cli", *argv],
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        lines = process.stderr.strip().splitlines()
        assert process.returncode == 2, (argv, process.stderr)
        assert len(lines) == 1 and ERROR_LINE.match(lines[0]), process.stderr
        assert files(tmp_path) == before


def test_hang_guard_fires(tmp_path, monkeypatch):
    """The alarm this file relies on does catch a command that never returns."""
    import pausegame.commands.info as info

    monkeypatch.setattr(info, "parameter_table", lambda markdown: signal.pause())
    monkeypatch.setattr(sys.modules[__name__], "HANG_SECONDS", 0.2)
    with pytest.raises(Hang):
        cli(["params"], tmp_path)
