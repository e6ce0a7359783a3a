"""`Scenario.value` reads back exactly what `with_overrides` sets, for every settable key,
and actor names with dots are keys like any other."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pausegame.cli import main
from pausegame.experiments.sweep_spec import SweepSpecError, parse_sweep_spec
from pausegame.sim.parameters import PARAMETERS, ParameterError
from pausegame.sim.scenario import (
    LAB_FIELDS,
    STATE_FIELDS,
    load_scenario,
    parse_scenario,
    split_actor_key,
)

ARTICLE = load_scenario("article")
KEYS = [
    *(p.name for p in PARAMETERS),
    *(f"lab.{ARTICLE.labs[-1].name}.{field}" for field in LAB_FIELDS),
    *(f"state.{ARTICLE.states[0].name}.{field}" for field in STATE_FIELDS),
]
DECLARED = {**{p.name: p for p in PARAMETERS}, **LAB_FIELDS, **STATE_FIELDS}


@pytest.mark.parametrize("key", KEYS)
def test_value_reads_back_an_override(key):
    declared = DECLARED[key.rsplit(".", 1)[-1]]
    new = declared.high if ARTICLE.value(key) != declared.high else declared.low
    changed = ARTICLE.with_overrides({key: new})
    assert changed.value(key) == new
    assert ARTICLE.value(key) != new  # the original scenario is untouched


def test_an_actor_the_scenario_lacks_is_an_error():
    with pytest.raises(KeyError, match="no lab named 'Nobody'"):
        ARTICLE.value("lab.Nobody.safety")


DOTTED = """
name = "dotted"
steps = 6
[[states]]
name = "U.S."
transparency = 0.7
rivalry = { "P.R.C." = 1.0 }
[[states]]
name = "P.R.C."
transparency = 0.4
[[labs]]
name = "x.ai"
state = "U.S."
capability = 0.5
safety = 0.6
[[labs]]
name = "Lab.B"
state = "P.R.C."
capability = 0.4
safety = 0.2
"""
DOTTED_KEYS = [
    *(f"lab.x.ai.{field}" for field in LAB_FIELDS),
    *(f"state.U.S..{field}" for field in STATE_FIELDS),
]


@pytest.mark.parametrize("key", DOTTED_KEYS)
def test_actor_names_with_dots_are_read_and_set_alike(key):
    scenario = parse_scenario(DOTTED)
    declared = DECLARED[key.rsplit(".", 1)[-1]]
    new = declared.high if scenario.value(key) != declared.high else declared.low
    assert scenario.with_overrides({key: new}).value(key) == new


def test_actor_names_with_dots_can_be_set_on_the_command_line_and_swept(tmp_path, capsys):
    (tmp_path / "dotted.toml").write_text(DOTTED)
    argv = ["run", "--scenario", str(tmp_path / "dotted.toml"), "--json"]
    assert main([*argv, "--set", "lab.a=b.safety=0.9"]) == 2  # the key ends at the last '='
    assert "no lab named 'a=b'" in capsys.readouterr().err
    assert main(argv) == 0
    before = json.loads(capsys.readouterr().out)
    assert main([*argv, "--set", "lab.x.ai.safety=0.9"]) == 0
    after = json.loads(capsys.readouterr().out)
    assert after["provenance"]["overrides"] == {"lab.x.ai.safety": "0.9"}
    assert after["hazard_share_by_source"]["x.ai"] < before["hazard_share_by_source"]["x.ai"]
    spec = parse_sweep_spec(
        'scenario = "dotted.toml"\nseeds = 1\n[grid]\n"lab.x.ai.safety" = [0.1, 0.9]\n'
        '[fixed]\n"state.P.R.C..transparency" = 0.2\n',
        folder=tmp_path,
    )
    assert [run.overrides["lab.x.ai.safety"] for run in spec.runs()] == [0.1, 0.9]
    assert spec.fixed == {"state.P.R.C..transparency": 0.2}
    with pytest.raises(
        SweepSpecError, match=r"lab\.x\.ai\.com\.safety: unknown lab field 'com\.safety'"
    ):
        parse_sweep_spec(
            'scenario = "dotted.toml"\nseeds = 1\n[grid]\n"lab.x.ai.com.safety" = [0.1, 0.9]\n',
            folder=tmp_path,
        )


@given(
    kind=st.sampled_from(["lab", "state"]),
    name=st.text(min_size=1),
    field=st.text(alphabet=st.characters(blacklist_characters=".")),
)
def test_an_actor_key_splits_into_kind_name_and_field_whatever_the_name(kind, name, field):
    assert split_actor_key(f"{kind}.{name}.{field}") == (kind, name, field)


@pytest.mark.parametrize("key", ["verification", "lab.safety", "lab..safety", "labs.x.safety"])
def test_other_keys_are_no_actor_keys(key):
    assert split_actor_key(key) is None


def test_an_actor_key_takes_the_longest_actor_name_that_fits():
    scenario = parse_scenario(DOTTED.replace('name = "Lab.B"', 'name = "x"'))
    assert scenario.actor_key("lab.x.ai.safety") == ("lab", "x.ai", "safety")
    assert scenario.actor_key("lab.x.safety") == ("lab", "x", "safety")
    assert scenario.actor_key("state.U.S..rivalry.P.R.C.") == ("state", "U.S.", "rivalry.P.R.C.")
    assert scenario.actor_key("lab.Nobody.safety") == ("lab", "Nobody", "safety")
    assert scenario.actor_key("verification") is None
    with pytest.raises(ParameterError, match=r"unknown state field 'rivalry\.P\.R\.C\.'"):
        scenario.with_overrides({"state.U.S..rivalry.P.R.C.": 2})
