"""Bad input: one clear line naming the field and range, exit status 2, no output file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pausegame.cli import main
from pausegame.sim.parameters import PARAMETERS
from pausegame.sim.scenario import builtin_names, load_scenario

ARTICLE = load_scenario("article")


def fails_cleanly(capsys, argv: list[str], tmp_path: Path, *needles: str) -> str:
    """Run the CLI, expect exit 2 with a single error line containing `needles`."""
    out = tmp_path / "records.parquet"
    plot = tmp_path / "plot.png"
    code = main([*argv, "--out", str(out), "--plot", str(plot)])
    captured = capsys.readouterr()
    assert code == 2
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("pausegame: error:")
    for needle in needles:
        assert needle in lines[0]
    assert "Traceback" not in captured.err
    assert captured.out == ""
    assert not out.exists() and not plot.exists()
    assert list(tmp_path.iterdir()) == [] or all(p.suffix == ".toml" for p in tmp_path.iterdir())
    return lines[0]


def test_unknown_scenario(capsys, tmp_path):
    fails_cleanly(
        capsys, ["run", "--scenario", "no-such-thing"], tmp_path, "no-such-thing", "article"
    )


def test_scenario_folder_is_named_a_folder(capsys, tmp_path):
    line = fails_cleanly(capsys, ["run", "--scenario", str(tmp_path)], tmp_path)
    folder = repr(str(tmp_path))
    assert line == f"pausegame: error: scenario {folder}: is a folder; give a scenario's TOML file"


def test_unknown_set_key_suggests_close_names(capsys, tmp_path):
    fails_cleanly(
        capsys, ["run", "--set", "verfication=0.5"], tmp_path, "verfication", "verification"
    )


@pytest.mark.parametrize("parameter", PARAMETERS, ids=lambda p: p.name)
def test_out_of_range_value_names_field_and_range(capsys, tmp_path, parameter):
    value = parameter.high + max(1.0, abs(parameter.high))
    fails_cleanly(
        capsys,
        ["run", "--set", f"{parameter.name}={value}"],
        tmp_path,
        parameter.name,
        parameter.range_text,
    )


def test_wrong_type_in_set(capsys, tmp_path):
    fails_cleanly(capsys, ["run", "--set", "fine=lots"], tmp_path, "fine", "[0, 100000]")


def test_set_without_equals(capsys, tmp_path):
    fails_cleanly(capsys, ["run", "--set", "fine"], tmp_path, "name=value")


def test_lab_field_override_checked(capsys, tmp_path):
    fails_cleanly(
        capsys, ["run", "--set", "lab.Anthropic.safety=2"], tmp_path,
        "error: lab.Anthropic.safety=2 is out of range: allowed [0, 1]",
    )  # fmt: skip
    fails_cleanly(
        capsys, ["run", "--set", "state.China.transparency=lots"], tmp_path,
        "error: state.China.transparency: expected a number in [0, 1], got 'lots'",
    )  # fmt: skip
    fails_cleanly(capsys, ["run", "--set", "lab.Nobody.safety=0.5"], tmp_path, "Nobody")


def test_out_of_range_line_has_no_trailing_blank_without_a_unit(capsys):
    assert main(["run", "--set", "lab.Anthropic.safety=2"]) == 2
    assert capsys.readouterr().err == (
        "pausegame: error: lab.Anthropic.safety=2 is out of range: allowed [0, 1]\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--seed", "9223372036854775808"],
            "--seed=9223372036854775808 is out of range: allowed [0, 9223372036854775807]",
        ),
        (
            ["--set", "fine=100000.5"],
            "fine=100000.5 is out of range: allowed [0, 100000] x annual turnover",
        ),
    ],
)
def test_out_of_range_value_is_not_rounded_onto_its_bound(capsys, tmp_path, argv, message):
    assert fails_cleanly(capsys, ["run", *argv], tmp_path) == f"pausegame: error: {message}"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--set", "lookahead=" + "9" * 35],
            "lookahead: a whole number of 35 digits is out of range: allowed [1, 240] steps",
        ),
        (
            ["--steps", "-" + "9" * 5000],
            "--steps: a whole number of 5,000 digits is out of range: allowed [0, 100000] steps",
        ),
    ],
)
def test_a_whole_number_too_long_to_read_is_out_of_range(capsys, tmp_path, argv, message):
    assert fails_cleanly(capsys, ["run", *argv], tmp_path) == f"pausegame: error: {message}"


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("safety=0.5", "safety: a field of each lab; set lab.NAME.safety"),
        ("transparency=0.5", "transparency: a field of each state; set state.NAME.transparency"),
        (
            "loss_weight=2",
            "loss_weight: a field of each lab and state; "
            "set lab.NAME.loss_weight or state.NAME.loss_weight",
        ),
    ],
)
def test_an_actor_field_set_as_a_parameter_says_how_to_set_it(
    capsys, tmp_path, assignment, message
):
    line = fails_cleanly(capsys, ["run", "--set", assignment], tmp_path)
    assert line == f"pausegame: error: {message}"


@pytest.mark.parametrize("key", ["lab..safety", "lab.Anthropic", "state."])
def test_an_actor_key_without_a_name_or_field_says_how_it_is_written(capsys, tmp_path, key):
    line = fails_cleanly(capsys, ["run", "--set", f"{key}=1"], tmp_path)
    kind = key.partition(".")[0]
    assert line.startswith(f"pausegame: error: {key}: expected {kind}.NAME.FIELD (have ")


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["run", "--out", ""], "--out"),
        (["run", "--plot", " "], "--plot"),
        (["sweep", "spec.toml", "--out", ""], "--out"),
        (["report", ""], "DIR"),
    ],
)
def test_an_empty_path_is_refused_not_taken_as_this_folder(capsys, tmp_path, argv, option):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    error = capsys.readouterr().err.strip()
    assert error.endswith(f"argument {option}: expected a path, got an empty one (see --help)")
    assert "\n" not in error


def test_negative_steps(capsys, tmp_path):
    fails_cleanly(capsys, ["run", "--steps", "-5"], tmp_path, "steps", "[0, 100000]")


def test_bad_output_suffix_writes_nothing(capsys, tmp_path):
    code = main(["run", "--steps", "3", "--out", str(tmp_path / "x.xlsx")])
    assert code == 2
    assert "parquet" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("option", "name"), [("--out", ".csv"), ("--plot", ".png")])
def test_output_named_only_by_its_suffix_is_asked_for_a_name(capsys, tmp_path, option, name):
    target = tmp_path / name
    assert main(["run", "--steps", "3", option, str(target)]) == 2
    assert capsys.readouterr().err == (
        f"pausegame: error: {option} {target}: give the file a name before {name}\n"
    )
    assert list(tmp_path.iterdir()) == []


def scenario_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def article_text() -> str:
    folder = Path(__file__).resolve().parents[1] / "pausegame" / "scenarios"
    return (folder / "article.toml").read_text(encoding="utf-8")


def test_a_name_taken_from_the_file_name_is_blamed_on_the_file_name(capsys, tmp_path):
    path = tmp_path / "my\tfile.toml"
    path.write_text(article_text().replace('name = "article"\n', "", 1), encoding="utf-8")
    line = fails_cleanly(capsys, ["run", "--scenario", str(path)], tmp_path)
    assert line.startswith("pausegame: error: my\\tfile.toml: name (from the file's name): ")


def test_malformed_toml(capsys, tmp_path):
    path = scenario_file(tmp_path, "name = \n[[labs]\n")
    fails_cleanly(capsys, ["run", "--scenario", path], tmp_path, "malformed TOML")


def test_byte_order_mark_is_named(capsys, tmp_path):
    path = scenario_file(tmp_path, "\ufeff" + article_text())
    line = fails_cleanly(capsys, ["run", "--scenario", path], tmp_path)
    assert line == (
        "pausegame: error: mine.toml: malformed TOML: starts with a byte-order mark; "
        "save it as UTF-8 without BOM"
    )


@pytest.mark.parametrize(
    ("old", "new", "needles"),
    [
        ("safety = 0.8 ", 'safety = "high" ', ("safety", "[0, 1]")),
        ("safety = 0.8 ", "safety = 1.8 ", ("Anthropic", "safety", "[0, 1]")),
        ("transparency = 0.7 ", "transparency = -1 ", ("US", "transparency", "[0, 1]")),
        (
            "verification = 0.1 ",
            "verfication = 0.1 ",
            ("error: mine.toml: params.verfication: unknown parameter (did you mean verification",),
        ),
        ("verification = 0.1 ", "verification = 7 ", ("verification", "[0, 1]")),
        (
            "transparency = 0.7 ",
            "transparency = true ",
            ("error: mine.toml: states.US.transparency: expected a number in [0, 1], got true",),
        ),
        (
            'action = "race"',
            'action = ["race"]',
            ("error: mine.toml: labs.Anthropic.action: expected one of race, pause, got an array",),
        ),
        (
            "rivalry = { China = 1.0, EU = 0.1, UK = 0.1 }",
            "rivalry = [0.1]",
            ("error: mine.toml: states.US.rivalry: expected a table, got an array",),
        ),
        ('state = "UK"', 'state = "Atlantis"', ("Atlantis",)),
        ("open_weights = true ", "open_weights = 1 ", ("open_weights", "true or false")),
        ('lab = "best_response"', 'lab = "telepathy"', ("rules.lab", "best_response")),
        ("steps = 120", "steps = -3", ("steps", "[0, 100000]")),
        (
            "China = 1.0, EU",
            "China = 11, EU",
            ("error: mine.toml: states.US.rivalry.China=11 is out of range: allowed [0, 10]",),
        ),
        (
            "China = 1.0, EU",
            'China = "far", EU',
            ("error: mine.toml: states.US.rivalry.China: expected a number in [0, 10], got 'far'",),
        ),
        (
            '[[labs]]\nname = "OpenAI"',
            '[[labs]]\nflavour = 1\nname = "OpenAI"',
            ("flavour", "unknown field"),
        ),
        (
            'name = "Meta"',
            'name = "US"',
            ("error: mine.toml: labs.US: a state has this name too; give the lab another",),
        ),
        (
            'name = "Meta"',
            'name = "open source"',
            ("error: mine.toml: labs.open source: 'open source' is the open-source pool's name",),
        ),
    ],
)
def test_scenario_file_errors_name_the_field(capsys, tmp_path, old, new, needles):
    text = article_text()
    assert old in text
    path = scenario_file(tmp_path, text.replace(old, new, 1))
    fails_cleanly(capsys, ["run", "--scenario", path], tmp_path, *needles)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=200))
def test_junk_scenario_files_never_crash(capsys, tmp_path, junk):
    path = scenario_file(tmp_path, junk)
    code = main(["run", "--steps", "2", "--scenario", path, "--json"])
    captured = capsys.readouterr()
    assert code == 2
    assert len(captured.err.strip().splitlines()) == 1


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.sampled_from([p.name for p in PARAMETERS] + ["nonsense", "lab.Meta.safety", ""]),
    st.one_of(st.text(max_size=12), st.floats(allow_nan=True).map(str), st.integers().map(str)),
)
def test_junk_set_values_are_valid_or_rejected_in_one_line(capsys, name, value):
    try:
        ARTICLE.with_overrides({name: value.strip()})
        valid = bool(name and value.strip())
    except ValueError:
        valid = False
    code = main(["run", "--steps", "1", "--json", "--set", f"{name}={value}"])
    captured = capsys.readouterr()
    if valid:  # an accepted value runs
        assert code == 0 and captured.err == ""
        return
    assert code == 2
    assert len(captured.err.strip().splitlines()) == 1
    assert captured.out == ""


@pytest.mark.parametrize("command", ["sensitivity", "robustness"])
def test_a_study_out_under_a_file_is_refused_before_any_work(capsys, tmp_path, command):
    """As for `sweep`: not "stopped: Not a directory ...; run the same command again"."""
    a_file = tmp_path / "a-file"
    a_file.write_text("mine", encoding="utf-8")
    spec = tmp_path / "spec.toml"
    spec.write_text('method = "morris"\nsteps = 2\nseeds = 1\nsamples = 2\n', encoding="utf-8")
    argv = [command, *([str(spec)] if command == "sensitivity" else []), "--out"]
    assert main([*argv, str(a_file / "out"), "--workers", "1", "--quiet"]) == 2
    assert capsys.readouterr().err == (
        f"pausegame: error: --out {a_file / 'out'}: {a_file} is a file, not a folder\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "spec.toml"]


def test_real_process_exit_status_and_single_line(tmp_path):
    out = tmp_path / "r.parquet"
    process = subprocess.run(
        [sys.executable, "-m", "pausegame.cli", "run", "--set", "stop_now=2", "--out", str(out)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert process.returncode == 2
    assert process.stderr.strip().splitlines() == [
        "pausegame: error: stop_now=2 is out of range: allowed [0, 1] x hazard"
    ]
    assert not out.exists()


def test_every_builtin_scenario_loads():
    assert {"article", "strong-verification"} <= set(builtin_names())
    for name in builtin_names():
        assert load_scenario(name).labs
