"""The equilibrium panel: the stage game at the run's current state, beside what agents do.

Payoffs come from the kernel through `pausegame.experiments.treaty` (one batched lookahead
over every lab profile), equilibria and regret from `pausegame.experiments.games`. The lab
game G(S) for the treaty in force is cheap (2^L profiles) and is redrawn every step; the
treaty game over every member set costs about ten times more and is computed on request.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pausegame.experiments import games, treaty
from pausegame.sim import kernel
from pausegame.viz.session import Position
from pausegame.viz.svg import esc

MAX_LABS = 12  # 2^12 profiles per lab game; beyond that the panel says so instead
SHOWN_EQUILIBRIA = 8


@dataclass(frozen=True)
class LabGameReport:
    """G(S) for the treaty in force: its equilibria, optimum and the current profile's regret."""

    step: int
    lab_names: tuple[str, ...]
    members: tuple[str, ...]
    binding: bool
    horizon: int
    discount: float
    equilibria: tuple[tuple[int, ...], ...]
    welfare: np.ndarray  # (2, ..., 2) lab welfare of every profile
    risk: np.ndarray  # (2, ..., 2) catastrophe probability within the lookahead
    optimum: tuple[int, ...]
    current: tuple[int, ...]
    gains: np.ndarray  # (L,) each lab's gain from switching, at the current profile

    @property
    def regret(self) -> float:
        return float(max(0.0, self.gains.max())) if self.gains.size else 0.0

    @property
    def current_is_equilibrium(self) -> bool:
        return self.current in self.equilibria


def lab_game_report(position: Position) -> LabGameReport | None:
    """The lab game at `position`, or None when it has too many labs to enumerate."""
    structure, params, where = position.structure, position.params, position.where
    if structure.n_labs > MAX_LABS:
        return None
    game = treaty.lab_game(structure, params, where.state, where.members)
    tol = treaty.tolerance(game.payoffs)
    current = tuple(int(a) for a in where.pausing)
    gains = games.deviation_gains(game.payoffs)[(slice(None), *current)]
    return LabGameReport(
        step=where.step,
        lab_names=structure.lab_names,
        members=tuple(n for n, m in zip(structure.state_names, where.members, strict=True) if m),
        binding=bool(kernel.treaty_binding(where.members, params)),
        horizon=int(params.lookahead),
        discount=float(params.discount),
        equilibria=tuple(games.pure_equilibria(game.payoffs, tol)),
        welfare=game.lab_welfare(),
        risk=game.catastrophe,
        optimum=games.social_optimum(game.payoffs)[0],
        current=current,
        gains=np.where(gains > tol, gains, 0.0),
    )


@dataclass(frozen=True)
class TreatyReport:
    """The stable treaties at one step, under the labs' best-response-dynamics selection."""

    step: int
    rows: tuple[dict, ...]  # treaty.treaty_record of every stable treaty
    global_pause_stable: bool
    selection: str


def treaty_game_report(position: Position, selection: str = "dynamics") -> TreatyReport:
    """Every stable treaty from `position` (about 0.2 s for 8 labs and 4 states)."""
    where = position.where
    game = treaty.analyse_treaties(
        position.structure, position.params, where.state, where.pausing, where.members, selection
    )
    return TreatyReport(
        step=where.step,
        rows=tuple(treaty.treaty_record(game, t) for t in game.stable),
        global_pause_stable=game.global_pause_stable,
        selection=selection,
    )


def _play(names: tuple[str, ...], profile: tuple[int, ...]) -> str:
    pausing = [n for n, a in zip(names, profile, strict=True) if a == treaty.PAUSE]
    return _pausing_text(pausing, len(names))


def _pausing_text(pausing: list[str], n_labs: int) -> str:
    """Who pauses, in words: 'every lab races', 'Anthropic, OpenAI pause'."""
    if not pausing:
        return "every lab races"
    if len(pausing) == n_labs:
        return "every lab pauses"
    return f"{', '.join(pausing)} pause{'s' if len(pausing) == 1 else ''}"


def lab_game_html(report: LabGameReport | None) -> str:
    """The lab-game half of the panel as HTML."""
    if report is None:
        return f"<p>The lab game has more than {MAX_LABS} labs: too many profiles to show.</p>"
    names = report.lab_names
    treaty_text = ", ".join(report.members) or "no treaty"
    if report.members and not report.binding:
        treaty_text += " (not yet binding)"
    if report.current_is_equilibrium:
        verdict = (
            '<p class="pg-verdict" data-equilibrium="1"><b>The agents\' current profile is'
            " a pure equilibrium</b> (regret 0).</p>"
        )
    else:
        movers = sorted(
            ((g, n) for n, g in zip(names, report.gains, strict=True) if g > 0), reverse=True
        )
        detail = "; ".join(
            f"{esc(n)} gains {g:.2f} by switching to "
            f"{'RACE' if report.current[names.index(n)] == treaty.PAUSE else 'PAUSE'}"
            for g, n in movers[:4]
        )
        verdict = (
            f'<p class="pg-verdict" data-equilibrium="0"><b>Not an equilibrium:</b>'
            f" regret {report.regret:.2f} $B ({detail}).</p>"
        )
    rows = []
    for profile in report.equilibria[:SHOWN_EQUILIBRIA]:
        here = ' style="background:#e8f3fb"' if profile == report.current else ""
        rows.append(
            f"<tr{here}><td>{esc(_play(names, profile))}</td>"
            f"<td>{report.welfare[profile]:.1f}</td><td>{report.risk[profile]:.2%}</td></tr>"
        )
    more = len(report.equilibria) - SHOWN_EQUILIBRIA
    if more > 0:
        rows.append(f'<tr><td colspan="3">... and {more} more</td></tr>')
    if not rows:
        rows.append(
            '<tr><td colspan="3">none: every profile leaves some lab wanting to move</td></tr>'
        )
    optimum = report.optimum
    return (
        f'<div class="pg-lab-game" data-step="{report.step}"'
        f' data-equilibria="{len(report.equilibria)}">'
        f"<p>Lab game at month {report.step} under the treaty in force: <b>{esc(treaty_text)}"
        f"</b>. Payoffs: each lab's expected utility over the next {report.horizon} months"
        f" (discount {report.discount:g}) with the profile held.</p>"
        f"<p>Current play: {esc(_play(names, report.current))}.</p>{verdict}"
        f'<table class="pg-table"><tr><th>pure equilibrium</th><th>lab welfare $B</th>'
        f"<th>catastrophe risk, {report.horizon} mo</th></tr>{''.join(rows)}</table>"
        f"<p>Labs' social optimum: {esc(_play(names, optimum))} (welfare"
        f" {report.welfare[optimum]:.1f} $B, risk {report.risk[optimum]:.2%}).</p></div>"
    )


def treaty_html(report: TreatyReport | None, current_step: int) -> str:
    """The treaty-game half of the panel as HTML; says when it is from an earlier month."""
    if report is None:
        return (
            '<div class="pg-treaties" data-step="">Stable treaties: analysed when the run'
            " stands still.</div>"
        )
    stale = (
        ""
        if report.step == current_step
        else f" (as of month {report.step}; updated when the run stands still)"
    )
    items = []
    for row in report.rows:
        n_labs = len(row["pausing_labs"]) + len(row["racing_labs"])
        members = ", ".join(row["members"]) or "no treaty"
        cheats = f"; cheating: {', '.join(row['violators'])}" if row["violators"] else ""
        items.append(
            f"<li><b>{esc(members)}</b>: {esc(_pausing_text(row['pausing_labs'], n_labs))}"
            f"{esc(cheats)}; risk {row['catastrophe_probability']:.2%}</li>"
        )
    verdict = "is" if report.global_pause_stable else "is not"
    return (
        f'<div class="pg-treaties" data-step="{report.step}">'
        f"<p><b>Stable treaties</b>{esc(stale)} (no member gains by leaving, no outsider by"
        f" joining; labs play the equilibrium best-response dynamics reach):</p>"
        f"<ul>{''.join(items) or '<li>none</li>'}</ul>"
        f"<p>The global pause (every state in, every lab pausing) <b>{verdict}</b> stable.</p>"
        "</div>"
    )
