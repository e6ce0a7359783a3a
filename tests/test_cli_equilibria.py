"""`pausegame equilibria` and `pausegame compare` on the command line: fields, files, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pausegame.cli import main
from tests.experiments.test_treaty import tiny_toml

PRISONERS_DILEMMA = {
    "players": ["Row", "Column"],
    "actions": [["Cooperate", "Defect"], ["Cooperate", "Defect"]],
    "payoffs": [[[3, 0], [5, 1]], [[3, 5], [0, 1]]],
}
STRONG = {"verification": 1.0, "fine": 1.0e5, "state_loss": 1.0e7}


def json_of(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def fails_with_one_line(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("pausegame: error: ")
    assert "\n" not in err
    return err


@pytest.fixture
def strong_scenario(tmp_path: Path) -> Path:
    """The tiny scenario of the treaty tests with perfect verification, as a file."""
    path = tmp_path / "strong.toml"
    path.write_text(tiny_toml(**STRONG), encoding="utf-8")
    return path


def test_scenario_json_has_the_documented_fields(capsys):
    report = json_of(capsys, "equilibria")
    for key in (
        "players",
        "pure_equilibria",
        "mixed_equilibria",
        "social_optimum",
        "price_of_anarchy",
        "price_of_stability",
        "stable_treaties",
        "global_pause_stable",
        "selection",
        "lab_game_members",
    ):
        assert key in report, key
    assert report["scenario"] == "article"
    assert report["at_step"] == 0 and report["seed"] is None
    assert report["selection"] == "dynamics"
    assert isinstance(report["global_pause_stable"], bool)
    for row in report["pure_equilibria"]:
        assert len(row["profile"]) == len(report["players"])
        assert set(row["actions"]) <= {"RACE", "PAUSE"}
        assert isinstance(row["welfare"], float)
    for row in report["mixed_equilibria"]:
        assert {"strategies", "regret"} <= set(row)
    for treaty in report["stable_treaties"]:
        assert {
            "members",
            "pausing_labs",
            "welfare",
            "catastrophe_probability",
            "violators",
            "empty",
        } <= set(treaty)
        assert set(treaty["pausing_labs"]) <= set(report["players"])
        assert 0.0 <= treaty["catastrophe_probability"] <= 1.0


def test_a_scenario_file_with_perfect_verification_has_a_stable_global_pause(
    capsys, strong_scenario
):
    report = json_of(capsys, "equilibria", "--scenario", str(strong_scenario))
    assert report["global_pause_stable"] is True
    full = [t for t in report["stable_treaties"] if t["members"] == ["North", "South"]]
    assert len(full) == 1
    assert full[0]["pausing_labs"] == ["Alpha", "Beta", "Gamma"]
    assert full[0]["violators"] == []
    assert main(["equilibria", "--scenario", str(strong_scenario)]) == 0
    text = capsys.readouterr().out
    assert "Global pause (every state in, every lab pausing) stable: yes" in text


def test_overrides_and_selection_rules_reach_the_analysis(capsys, strong_scenario):
    report = json_of(
        capsys,
        "equilibria",
        "--scenario",
        str(strong_scenario),
        "--set",
        "verification=0",
        "--set",
        "verification_cost=1",
        "--selection",
        "welfare",
    )
    assert report["selection"] == "welfare"
    assert [t["members"] for t in report["stable_treaties"]] == [[]]
    assert report["stable_treaties"][0]["empty"] is True
    assert report["global_pause_stable"] is False


def test_analysis_from_a_step_of_a_run(capsys):
    report = json_of(
        capsys, "equilibria", "--at-step", "5", "--seed", "3", "--selection", "anticipation"
    )
    assert report["seed"] == 3
    assert report["at_step"] == 5 or report["catastrophe_step"] is not None
    assert report["selection"] == "anticipation"


def test_text_output_names_treaties_and_the_lab_game(capsys):
    assert main(["equilibria"]) == 0
    text = capsys.readouterr().out
    assert "Stable treaties" in text
    assert "Global pause (every state in, every lab pausing) stable:" in text
    assert "Lab game under the treaty in force" in text
    assert "price of anarchy" in text


def test_prisoners_dilemma_from_json(capsys, tmp_path: Path):
    path = tmp_path / "pd.json"
    path.write_text(json.dumps(PRISONERS_DILEMMA), encoding="utf-8")
    result = json_of(capsys, "equilibria", "--game", str(path))
    assert result["players"] == ["Row", "Column"]
    assert [row["profile"] for row in result["pure_equilibria"]] == [[1, 1]]
    assert result["pure_equilibria"][0]["actions"] == ["Defect", "Defect"]
    assert result["pure_equilibria"][0]["welfare"] == 2.0
    assert [row["strategies"] for row in result["mixed_equilibria"]] == [[[0.0, 1.0], [0.0, 1.0]]]
    assert result["mixed_equilibria"][0]["regret"] == pytest.approx(0.0, abs=1e-12)
    assert result["social_optimum"]["profile"] == [0, 0]
    assert result["price_of_anarchy"] == pytest.approx(3.0)
    assert result["price_of_stability"] == pytest.approx(3.0)
    assert main(["equilibria", "--game", str(path)]) == 0
    assert "Row=Defect, Column=Defect" in capsys.readouterr().out


def test_stag_hunt_from_npy_has_two_pure_and_one_mixed_equilibrium(capsys, tmp_path: Path):
    path = tmp_path / "stag.npy"
    np.save(path, np.array([[[2.0, 3.0], [0.0, 4.0]], [[2.0, 0.0], [3.0, 4.0]]]))
    result = json_of(capsys, "equilibria", "--game", str(path))
    assert [row["profile"] for row in result["pure_equilibria"]] == [[0, 0], [1, 1]]
    interior = [row for row in result["mixed_equilibria"] if 0.0 < row["strategies"][0][0] < 1.0]
    assert len(interior) == 1
    assert interior[0]["strategies"][0] == pytest.approx([1 / 3, 2 / 3])


def test_coalition_game_with_a_threshold_has_its_known_stable_size(capsys, tmp_path: Path):
    # Everyone gains 10 once at least 3 of 5 join; joining costs 4. Three members is stable:
    # a fourth would pay 4 for nothing, and any of the three leaving loses 10 to save 4.
    n = 5
    member = [(10.0 if k >= 3 else 0.0) - 4.0 if k >= 1 else 0.0 for k in range(n + 1)]
    nonmember = [10.0 if k >= 3 else 0.0 for k in range(n)] + [0.0]
    path = tmp_path / "threshold.json"
    path.write_text(
        json.dumps({"n": n, "member_payoff": member, "nonmember_payoff": nonmember}),
        encoding="utf-8",
    )
    result = json_of(capsys, "equilibria", "--coalition-game", str(path))
    assert result["stable_coalition_sizes"] == [3]
    assert main(["equilibria", "--coalition-game", str(path)]) == 0
    assert "Stable coalition sizes (k >= 1): 3" in capsys.readouterr().out
    path.write_text(json.dumps({"n": n, "member_payoff": member}), encoding="utf-8")
    assert "nonmember_payoff" in fails_with_one_line(
        capsys, "equilibria", "--coalition-game", str(path)
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["equilibria", "--scenario", "nosuch"], "nosuch"),
        (["equilibria", "--at-step", "-1"], "at-step"),
        (["equilibria", "--at-step", "soon"], "at-step"),
        (["equilibria", "--game", "missing.json"], "missing.json"),
        (["equilibria", "--game", "x.npy", "--coalition-game", "y.json"], "one game"),
        (["compare", "nosuch"], "nosuch"),
        (["compare", "article:verification=2"], "verification"),
        (["compare", "article", "--seeds", "0"], "seeds"),
        (["compare", "article", "--plot", "out.txt"], "--plot"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, argv, message):
    assert message in fails_with_one_line(capsys, *argv)


def test_bad_game_files_are_one_line_and_exit_2(capsys, tmp_path: Path):
    shape = tmp_path / "shape.npy"
    np.save(shape, np.zeros((3, 2, 2)))  # three players but two action axes
    nan = tmp_path / "nan.npy"
    np.save(nan, np.array([[[1.0, np.nan], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]]]))
    not_game = tmp_path / "list.json"
    not_game.write_text("[1, 2, 3]", encoding="utf-8")
    for path in (shape, nan, not_game):
        fails_with_one_line(capsys, "equilibria", "--game", str(path))
    assert "--set" in fails_with_one_line(
        capsys, "equilibria", "--game", str(shape), "--set", "verification=0.5"
    )


@pytest.mark.parametrize(
    ("option", "what"), [("--game", "game"), ("--coalition-game", "coalition game")]
)
def test_a_folder_given_as_a_game_file_is_named_a_folder(capsys, tmp_path: Path, option, what):
    message = fails_with_one_line(capsys, "equilibria", option, str(tmp_path))
    assert message == f"pausegame: error: {what} file {str(tmp_path)!r}: is a folder, not a file"


def test_too_many_labs_is_one_line_and_exit_2(capsys, tmp_path: Path):
    labs = "\n".join(
        f'[[labs]]\nname = "L{i}"\nstate = "A"\ncapability = 0.3\nsafety = 0.2\n' for i in range(18)
    )
    path = tmp_path / "crowd.toml"
    path.write_text(
        'name = "crowd"\ndescription = "Too many labs."\n'
        '[[states]]\nname = "A"\ntransparency = 0.5\n'
        '[[states]]\nname = "B"\ntransparency = 0.5\n' + labs,
        encoding="utf-8",
    )
    assert "over the limit" in fails_with_one_line(capsys, "equilibria", "--scenario", str(path))


def test_compare_json_text_plot_and_progress(capsys, tmp_path: Path):
    specs = ["article", "article:verification=0.95,leak_pause=0,leak_base=0"]
    result = json_of(capsys, "compare", *specs, "--seeds", "2", "--steps", "4", "--quiet")
    assert [s["scenario"] for s in result["scenarios"]] == specs
    for entry in result["scenarios"]:
        assert {"stable_treaties", "global_pause_stable", "social_optimum"} <= set(
            entry["equilibria"]
        )
        assert {
            "outcome_shares",
            "share_at_stable_treaty",
            "mean_regret",
            "mean_state_welfare",
        } <= set(entry["runs"])
    plot = tmp_path / "compare.png"
    assert main(["compare", *specs, "--seeds", "2", "--steps", "4", "--plot", str(plot)]) == 0
    captured = capsys.readouterr()
    assert plot.stat().st_size > 0
    assert "global pause stable" in captured.out
    assert "4/4 runs" in captured.err
