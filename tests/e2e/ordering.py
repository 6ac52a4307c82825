"""Explicit order for the modules of a scenario's tests that must run before or after the rest.

A scenario's conftest.py names them in RUN_FIRST (modules that read the state the scenario's
prepare step left, before any other test changes it) and RUN_LAST (modules that leave the lab
changed for what follows), and calls order() from its pytest_collection_modifyitems hook:
RUN_FIRST in the order named, then every other module in file-name order, then RUN_LAST in
the order named. A name that matches no file stops the run (a renamed module must not
silently run elsewhere).
"""

from __future__ import annotations

from pathlib import Path

import pytest


def order(
    items: list, directory: Path, first: tuple[str, ...] = (), last: tuple[str, ...] = ()
) -> None:
    missing = [n for n in (*first, *last) if not (directory / n).is_file()]
    if missing:
        raise pytest.UsageError(f"RUN_FIRST/RUN_LAST name no test module in {directory}: {missing}")
    rank = {name: i - len(first) for i, name in enumerate(first)}
    rank.update({name: i + 1 for i, name in enumerate(last)})
    items.sort(key=lambda item: rank.get(Path(str(item.fspath)).name, 0))
