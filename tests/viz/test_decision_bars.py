"""The inspector's decision chart draws exactly the terms `explain_decider` returns."""

from __future__ import annotations

import re

from pausegame.experiments.explain import explain_decider
from pausegame.sim.model import PauseModel
from pausegame.sim.scenario import load_scenario
from pausegame.viz.decision_bars import decision_bars_svg


def bars(svg: str) -> dict[tuple[str, str], float]:
    found = re.findall(
        r'data-term="([^"]+)" data-option="([^"]+)" x="[^"]+" y="[^"]+" width="([^"]+)"', svg
    )
    return {(term, option): float(width) for term, option, width in found}


def test_one_bar_per_term_and_option_with_lengths_proportional_to_the_values():
    model = PauseModel(load_scenario("article"), seed=1)
    model.step()
    for name in ("OpenAI", "US"):
        explanation = explain_decider(model, name)
        drawn = bars(decision_bars_svg(explanation))
        first, second = explanation["options"]
        rows = [*explanation["terms"], {"term": "total", **explanation["total"]}]
        assert set(drawn) == {(r["term"], o) for r in rows for o in (first, second)}
        largest = max(abs(r[o]) for r in rows for o in (first, second))
        longest = max(drawn.values())
        for row in rows:
            for option in (first, second):
                expected = abs(row[option]) / largest * longest
                assert abs(drawn[row["term"], option] - expected) <= 0.1


def test_names_are_escaped():
    explanation = {
        "options": ["race", "pause"],
        "terms": [{"term": "<b>x</b>", "race": 1.0, "pause": -2.0}],
        "total": {"race": 1.0, "pause": -2.0},
        "probability": None,
        "rule_note": "<script>",
    }
    svg = decision_bars_svg(explanation)
    assert "<b>" not in svg and "<script>" not in svg and "&lt;b&gt;" in svg
