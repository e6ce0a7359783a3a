"""Scenarios: TOML files naming the labs, the states and the parameter values of a game.

`load_scenario` reads a built-in name or a user's path, validates every field against its
declared range, and returns a `Scenario` from which the kernel's arrays are built.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pausegame.sim.parameters import (
    BY_NAME,
    ModelParams,
    Parameter,
    ParameterError,
    defaults,
    validate,
)
from pausegame.sim.shown import shown
from pausegame.userfiles import MAX_TOML_BYTES, is_dir, is_file, parse_toml, read_text

if TYPE_CHECKING:  # NumPy and the world's arrays load when a run needs them, not to list names
    import numpy as np

    from pausegame.sim.world import Structure, WorldState

RULES = ("best_response", "imitation", "reinforcement", "fixed")
ACTIONS = ("race", "pause")

LAB_FIELDS: dict[str, Parameter] = {
    f.name: f
    for f in (
        Parameter("capability", 0.3, 0.0, 10.0, "index", "starting capability", "", "Capability"),
        Parameter(
            "safety",
            0.3,
            0.0,
            1.0,
            "",
            "share of hazard removed by alignment work",
            "",
            "Hazard and loss",
        ),
        Parameter(
            "pause_affinity",
            0.0,
            -100.0,
            100.0,
            "x turnover",
            "value of pausing to this lab (brand, conviction), a share of its revenue",
            "",
            "Behaviour",
        ),
        Parameter(
            "loss_weight",
            1.0,
            0.0,
            100.0,
            "x lab_loss",
            "this lab's perceived catastrophe loss relative to lab_loss",
            "",
            "Hazard and loss",
        ),
    )
}
STATE_FIELDS: dict[str, Parameter] = {
    f.name: f
    for f in (
        Parameter(
            "transparency", 0.5, 0.0, 1.0, "", "how verifiable its labs are", "", "Verification"
        ),
        Parameter(
            "loss_weight",
            1.0,
            0.0,
            100.0,
            "x state_loss",
            "this state's perceived catastrophe loss relative to state_loss",
            "",
            "Hazard and loss",
        ),
    )
}
RIVALRY_RANGE = Parameter("rivalry", 0.0, 0.0, 10.0, "", "rivalry weight", "", "Market")
BUILTIN_DIR = "scenarios"
MAX_LABS = 64  # the kernel and every view are sized for tens of actors, not thousands
MAX_STATES = 32
MAX_NAME = 80  # characters in an actor's name
OPEN_SOURCE = "open source"  # the open-source pool's name in records and summaries; no actor's
MAX_SCENARIO_NAME = 255  # a scenario's name defaults to its file's, which may be this long


@dataclass(frozen=True)
class Lab:
    """A frontier lab as the scenario declares it."""

    name: str
    state: str
    capability: float
    safety: float
    pause_affinity: float
    open_weights: bool = False
    pausing: bool = False
    rule: str | None = None
    loss_weight: float = 1.0


@dataclass(frozen=True)
class State:
    """A state as the scenario declares it; `member` means in the pause treaty at the start."""

    name: str
    transparency: float
    rivalry: dict[str, float] = field(default_factory=dict)
    member: bool = False
    rule: str | None = None
    loss_weight: float = 1.0


@dataclass(frozen=True)
class Scenario:
    """A validated game: actors, parameter values, decision rules and the default run length."""

    name: str
    description: str
    steps: int
    params: ModelParams
    labs: tuple[Lab, ...]
    states: tuple[State, ...]
    lab_rule: str = "best_response"
    state_rule: str = "best_response"

    def structure(self) -> Structure:
        """The kernel's arrays for this scenario's actors."""
        import numpy as np

        from pausegame.sim.world import Structure

        state_index = {s.name: k for k, s in enumerate(self.states)}
        rivalry = np.array([[s.rivalry.get(r.name, 0.0) for r in self.states] for s in self.states])
        return Structure(
            lab_names=tuple(lab.name for lab in self.labs),
            state_names=tuple(s.name for s in self.states),
            lab_state=np.array([state_index[lab.state] for lab in self.labs], dtype=np.int64),
            open_weights=np.array([lab.open_weights for lab in self.labs], dtype=bool),
            safety=np.array([lab.safety for lab in self.labs]),
            affinity=np.array([lab.pause_affinity for lab in self.labs]),
            lab_loss=self.params.lab_loss * np.array([lab.loss_weight for lab in self.labs]),
            transparency=np.array([s.transparency for s in self.states]),
            rivalry=rivalry,
            state_loss=self.params.state_loss * np.array([s.loss_weight for s in self.states]),
        )

    def initial_state(self) -> WorldState:
        """Start capabilities; the open-source pool starts at the best open-weight lab's."""
        import numpy as np

        from pausegame.sim.world import WorldState

        capability = np.array([lab.capability for lab in self.labs])
        open_labs = [lab.capability for lab in self.labs if lab.open_weights]
        return WorldState(
            capability=capability,
            open_source=np.array(max(open_labs, default=0.0)),
            step=np.array(0),
            loss_multiplier=np.array(1.0),
        )

    def initial_profile(self) -> tuple[np.ndarray, np.ndarray]:
        """(labs pausing, states in the treaty) at the start."""
        import numpy as np

        return (
            np.array([lab.pausing for lab in self.labs], dtype=bool),
            np.array([s.member for s in self.states], dtype=bool),
        )

    def lab_rules(self) -> tuple[str, ...]:
        return tuple(lab.rule or self.lab_rule for lab in self.labs)

    def state_rules(self) -> tuple[str, ...]:
        return tuple(s.rule or self.state_rule for s in self.states)

    def value(self, key: str) -> Any:
        """The scenario's value of `key`: a parameter, `lab.NAME.FIELD` or `state.NAME.FIELD`."""
        actor_field = self.actor_key(key)
        if actor_field is None:
            return getattr(self.params, key)
        kind, name, attr = actor_field
        actor = next(
            (a for a in (self.labs if kind == "lab" else self.states) if a.name == name), None
        )
        if actor is None:
            raise KeyError(f"{key}: no {kind} named {name!r}")
        return getattr(actor, attr)

    def actor_key(self, key: str) -> tuple[str, str, str] | None:
        """`split_actor_key`, where NAME is this scenario's longest actor name that fits, so
        `state.US.rivalry.China` is state US's field `rivalry.China` (no state `US.rivalry`)."""
        split = split_actor_key(key)
        if split is None:
            return None
        kind, rest = split[0], key.partition(".")[2]
        names = [a.name for a in (self.labs if kind == "lab" else self.states)]
        fits = [name for name in names if rest.startswith(f"{name}.")]
        if not fits:
            return split
        name = max(fits, key=len)
        return kind, name, rest[len(name) + 1 :]

    def with_overrides(self, overrides: dict[str, object]) -> Scenario:
        """Apply `--set` style overrides: `param`, `lab.NAME.FIELD` or `state.NAME.FIELD`."""
        params: dict[str, object] = {}
        labs = {lab.name: lab for lab in self.labs}
        states = {s.name: s for s in self.states}
        for key, value in overrides.items():
            actor_field = self.actor_key(key)
            if actor_field is not None:
                kind, name, attr = actor_field
                table, fields = (labs, LAB_FIELDS) if kind == "lab" else (states, STATE_FIELDS)
                if name not in table:
                    raise ParameterError(
                        f"{key}: no {kind} named {name!r} (have {', '.join(table)})"
                    )
                if attr not in fields:
                    raise ParameterError(
                        f"{key}: unknown {kind} field {attr!r} (settable: {', '.join(fields)})"
                    )
                table[name] = replace(
                    table[name], **{attr: fields[attr].coerce(value, f"{kind}.{name}.")}
                )
            elif key not in BY_NAME and (key in LAB_FIELDS or key in STATE_FIELDS):
                kinds = [k for k, f in (("lab", LAB_FIELDS), ("state", STATE_FIELDS)) if key in f]
                written = " or ".join(f"{kind}.NAME.{key}" for kind in kinds)
                raise ParameterError(f"{key}: a field of each {' and '.join(kinds)}; set {written}")
            elif (kind := key.partition(".")[0]) in ("lab", "state"):  # no NAME or no FIELD
                names = ", ".join(a.name for a in (self.labs if kind == "lab" else self.states))
                raise ParameterError(f"{key}: expected {kind}.NAME.FIELD (have {names})")
            else:
                params[key] = value
        merged = {**vars(self.params), **validate(params, where="")}
        return replace(
            self,
            params=ModelParams(**merged),
            labs=tuple(labs.values()),
            states=tuple(states.values()),
        )


def split_actor_key(key: str) -> tuple[str, str, str] | None:
    """`lab.NAME.FIELD` or `state.NAME.FIELD` as (kind, NAME, FIELD); None for any other key.

    NAME is everything between the first and the last dot, so an actor may be named `x.ai`.
    """
    kind, _, rest = key.partition(".")
    name, dot, attr = rest.rpartition(".")
    return (kind, name, attr) if kind in ("lab", "state") and dot and name else None


def builtin_names() -> list[str]:
    """Names of the scenarios shipped with pausegame."""
    folder = resources.files("pausegame") / BUILTIN_DIR
    return sorted(
        p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")
    )


def builtin_text(name: str) -> str:
    """The TOML text of the scenario shipped under `name`."""
    return (resources.files("pausegame") / BUILTIN_DIR / f"{name}.toml").read_text("utf-8")


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A built-in scenario by name, or the user's TOML file by path; validated."""
    return read_scenario(name_or_path)[0]


def read_scenario(name_or_path: str | Path) -> tuple[Scenario, str]:
    """`load_scenario`, with the text the scenario was parsed from (read once, so that a
    run's provenance hashes the very text that ran)."""
    text_path = str(name_or_path)
    if text_path in builtin_names():
        text = builtin_text(text_path)
        return parse_scenario(text, origin=text_path), text
    if is_dir(text_path):
        raise ParameterError(f"scenario {text_path!r}: is a folder; give a scenario's TOML file")
    if not is_file(text_path):
        raise ParameterError(
            f"scenario {text_path!r}: no such built-in ({', '.join(builtin_names())}) or file"
        )
    text = read_text(text_path, "scenario", MAX_TOML_BYTES, ParameterError)
    return parse_scenario(text, origin=Path(text_path).name), text


def parse_scenario(text: str, origin: str = "<scenario>") -> Scenario:
    """Parse and validate a scenario's TOML text; every problem is one `ParameterError` line.

    The web UI's uploads come here too: size, nesting and counts are bounded before use.
    """
    return _build(parse_toml(text, origin, ParameterError), origin)


def _build(data: dict[str, Any], origin: str) -> Scenario:
    where = f"{origin}: "
    _no_unknown(data, {"name", "description", "steps", "rules", "params", "labs", "states"}, where)
    named = f"{where}name" if "name" in data else f"{where}name (from the file's name)"
    name = _text(data.get("name", Path(origin).stem), named, MAX_SCENARIO_NAME)
    description = (
        _text(data["description"], f"{where}description", None) if "description" in data else ""
    )
    steps = Parameter("steps", 120, 0, 100_000, "steps", "", "", "Behaviour", integer=True)
    run_steps = steps.coerce(data.get("steps", 120), where)
    rules = _table(data.get("rules", {}), f"{where}rules")
    _no_unknown(rules, {"lab", "state"}, f"{where}rules.")
    lab_rule = _rule(rules.get("lab", "best_response"), f"{where}rules.lab")
    state_rule = _rule(rules.get("state", "best_response"), f"{where}rules.state")
    params = ModelParams(
        **{
            **defaults(),
            **validate(_table(data.get("params", {}), f"{where}params"), where=f"{where}params."),
        }
    )
    raw_states = _array_of_tables(data.get("states"), f"{where}states", MAX_STATES)
    states = tuple(_state(s, f"{where}states[{i}].") for i, s in enumerate(raw_states))
    state_names = [s.name for s in states]
    _unique(state_names, f"{where}states")
    raw_labs = _array_of_tables(data.get("labs"), f"{where}labs", MAX_LABS)
    labs = tuple(_lab(lab, f"{where}labs[{i}].", state_names) for i, lab in enumerate(raw_labs))
    _unique([lab.name for lab in labs], f"{where}labs")
    _distinct_actor_names(labs, state_names, where)
    for s in states:
        for rival in s.rivalry:
            if rival not in state_names or rival == s.name:
                raise ParameterError(
                    f"{where}states.{s.name}.rivalry: {rival!r} is not another state "
                    f"(have {', '.join(state_names)})"
                )
    return Scenario(name, description, run_steps, params, labs, states, lab_rule, state_rule)


def _state(raw: dict[str, Any], where: str) -> State:
    _no_unknown(raw, {*STATE_FIELDS, "name", "rivalry", "member", "rule"}, where)
    name = _text(_required(raw, "name", where), f"{where}name")
    where = f"{where.rsplit('[', 1)[0]}.{name}."
    rivalry_raw = _table(raw.get("rivalry", {}), f"{where}rivalry")
    rivalry = {
        r: replace(RIVALRY_RANGE, name=r).coerce(w, f"{where}rivalry.")
        for r, w in rivalry_raw.items()
    }
    return State(
        name=name,
        transparency=STATE_FIELDS["transparency"].coerce(
            _required(raw, "transparency", where), where
        ),
        rivalry=rivalry,
        member=_bool(raw.get("member", False), f"{where}member"),
        rule=_rule(raw["rule"], f"{where}rule") if "rule" in raw else None,
        loss_weight=STATE_FIELDS["loss_weight"].coerce(raw.get("loss_weight", 1.0), where),
    )


def _lab(raw: dict[str, Any], where: str, state_names: list[str]) -> Lab:
    _no_unknown(raw, {*LAB_FIELDS, "name", "state", "open_weights", "action", "rule"}, where)
    name = _text(_required(raw, "name", where), f"{where}name")
    where = f"{where.rsplit('[', 1)[0]}.{name}."
    home = _text(_required(raw, "state", where), f"{where}state")
    if home not in state_names:
        raise ParameterError(
            f"{where}state: {home!r} is not a declared state ({', '.join(state_names)})"
        )
    action = raw.get("action", "race")
    if action not in ACTIONS:
        raise ParameterError(
            f"{where}action: expected one of {', '.join(ACTIONS)}, got {shown(action)}"
        )
    return Lab(
        name=name,
        state=home,
        capability=LAB_FIELDS["capability"].coerce(_required(raw, "capability", where), where),
        safety=LAB_FIELDS["safety"].coerce(_required(raw, "safety", where), where),
        pause_affinity=LAB_FIELDS["pause_affinity"].coerce(raw.get("pause_affinity", 0.0), where),
        open_weights=_bool(raw.get("open_weights", False), f"{where}open_weights"),
        pausing=action == "pause",
        rule=_rule(raw["rule"], f"{where}rule") if "rule" in raw else None,
        loss_weight=LAB_FIELDS["loss_weight"].coerce(raw.get("loss_weight", 1.0), where),
    )


def _no_unknown(raw: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise ParameterError(
            f"{where}{unknown[0]}: unknown field (allowed: {', '.join(sorted(allowed))})"
        )


def _required(raw: dict[str, Any], key: str, where: str) -> Any:
    if key not in raw:
        raise ParameterError(f"{where}{key}: missing required field")
    return raw[key]


def _text(value: Any, where: str, longest: int | None = MAX_NAME) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ParameterError(f"{where}: expected a non-empty string, got {shown(value)}")
    if longest is not None and len(value) > longest:
        raise ParameterError(f"{where}: {len(value)} characters, at most {longest} allowed")
    if longest is not None and not value.isprintable():  # a name is shown on one line
        raise ParameterError(f"{where}: {value!r} holds a line break or control character")
    return value


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ParameterError(f"{where}: expected true or false, got {shown(value)}")
    return value


def _rule(value: Any, where: str) -> str:
    if value not in RULES:
        raise ParameterError(f"{where}: expected one of {', '.join(RULES)}, got {shown(value)}")
    return value


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ParameterError(f"{where}: expected a table, got {shown(value)}")
    return value


def _array_of_tables(value: Any, where: str, most: int) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
        raise ParameterError(f"{where}: expected at least one [[{where.rsplit(' ', 1)[-1]}]] table")
    if len(value) > most:
        raise ParameterError(f"{where}: {len(value)} tables, at most {most} allowed")
    return value


def _distinct_actor_names(labs: tuple[Lab, ...], state_names: list[str], where: str) -> None:
    """Records, summaries and `explain --agent` name actors by name alone: no name twice."""
    for kind, names in (("states", state_names), ("labs", [lab.name for lab in labs])):
        if OPEN_SOURCE in names:
            raise ParameterError(
                f"{where}{kind}.{OPEN_SOURCE}: {OPEN_SOURCE!r} is the open-source pool's name"
            )
    for lab in labs:
        if lab.name in state_names:
            raise ParameterError(
                f"{where}labs.{lab.name}: a state has this name too; give the lab another"
            )


def _unique(names: list[str], where: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ParameterError(f"{where}: the name {name!r} is used twice")
        seen.add(name)


def parse_assignment(text: str, where: str = "--set") -> tuple[str, str]:
    """Split a `name=value` string from `--set` (or from `where`), or raise a one-line error."""
    name, sep, value = text.rpartition("=")  # the last '=': an actor's name may hold one
    if not sep or not name.strip() or not value.strip():
        raise ParameterError(f"{where} {text!r}: expected name=value")
    return name.strip(), value.strip()
