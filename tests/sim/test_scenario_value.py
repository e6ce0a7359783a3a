"""`Scenario.value` reads back exactly what `with_overrides` sets, for every settable key."""

from __future__ import annotations

import pytest

from pausegame.sim.parameters import PARAMETERS
from pausegame.sim.scenario import LAB_FIELDS, STATE_FIELDS, load_scenario

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
