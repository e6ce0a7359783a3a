"""The data path shows in the imports: each layer imports only from the layers below it.

parameters/scenario -> kernel -> engine -> Mesa face/agents -> experiments -> views. Every
import is counted, type-only ones included, and the package has no import cycle.
"""

from __future__ import annotations

import ast
from importlib import resources
from pathlib import Path

import pytest

#: Layers from the bottom; a module belongs to the first prefix that matches its name.
LAYERS = [
    ("pausegame", "pausegame.errors"),
    ("pausegame.sim.parameters", "pausegame.sim.randomness", "pausegame.sim.world"),
    ("pausegame.sim.numerics", "pausegame.sim.terms"),
    ("pausegame.sim.scenario",),
    ("pausegame.sim.kernel",),
    ("pausegame.sim.engine",),
    ("pausegame.sim.model", "pausegame.agents"),
    ("pausegame.experiments",),
    ("pausegame.commands", "pausegame.viz", "pausegame.cli"),
]
ROOT = Path(str(resources.files("pausegame")))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> int:
    best = None
    for level, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            inside = module == prefix or module.startswith(prefix + ".")
            if inside and (best is None or len(prefix) > best[1]):
                best = (level, len(prefix))
    assert best is not None, f"{module} is in no layer"
    return best[0]


def imports(path: Path) -> set[str]:
    """Every pausegame module `path` imports, anywhere in the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            found.update(n for n in names if n.startswith("pausegame"))
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("pausegame"))
    return found


MODULES = {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def resolve(name: str) -> str | None:
    """The module an imported name lives in (`from pkg import mod` names a module)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_import_runs_back_up(module):
    own = layer_of(module)
    for name in imports(MODULES[module]):
        target = resolve(name)
        if target is None or target == module:
            continue
        assert layer_of(target) <= own, f"{module} (layer {own}) imports {target}"


def test_there_is_no_import_cycle():
    graph = {m: {resolve(n) for n in imports(p)} - {None, m} for m, p in MODULES.items()}
    # A package's __init__ re-exporting its own modules is not a cycle through them.
    for module, targets in graph.items():
        graph[module] = {t for t in targets if not module.startswith(t + ".")}
    state: dict[str, int] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                cycle = [*path[path.index(target) :], target] if target in path else [target]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


def test_no_module_is_over_500_lines():
    long = {m: n for m, p in MODULES.items() if (n := len(p.read_text("utf-8").splitlines())) > 500}
    assert not long, long
