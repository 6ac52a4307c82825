"""Explicit order for the modules of a scenario's tests that change the lab for what follows.

A scenario's conftest.py names them in RUN_LAST and calls run_last() from its
pytest_collection_modifyitems hook: every other module runs first, in file-name order, then
these, in the order named. A name that matches no file stops the run (a renamed module must
not silently run first).
"""

from __future__ import annotations

from pathlib import Path

import pytest


def run_last(items: list, names: tuple[str, ...], directory: Path) -> None:
    missing = [n for n in names if not (directory / n).is_file()]
    if missing:
        raise pytest.UsageError(f"RUN_LAST names no test module in {directory}: {missing}")
    rank = {name: i + 1 for i, name in enumerate(names)}
    items.sort(key=lambda item: rank.get(Path(str(item.fspath)).name, 0))
