"""Dependencies point inward: bot -> handlers/scheduler -> nlp/storage; no platform in the core."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# Packages each layer must not import (a module of the layer itself is always allowed).
FORBIDDEN = {
    "nlp": {"bot", "handlers", "scheduler", "storage", "telegram"},
    "storage": {"bot", "handlers", "scheduler", "telegram"},
    "handlers": {"bot", "telegram"},
    # handlers use the scheduler's working-day calendar; the reverse would make a cycle.
    "scheduler": {"bot", "handlers", "telegram"},
    "locales": {"bot", "handlers", "scheduler", "storage", "nlp", "telegram"},
}


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_point_inward(layer: str) -> None:
    offenders = {
        str(path.relative_to(REPO)): sorted(_imported_packages(path) & FORBIDDEN[layer])
        for path in (REPO / layer).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}
