"""The package's public names: each importable from ``icld_match`` as the README shows."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import icld_match

SEASON = Path(__file__).resolve().parents[1] / "examples" / "data" / "season-2026.json"


def test_every_public_name_is_importable() -> None:
    missing = [name for name in icld_match.__all__ if not hasattr(icld_match, name)]
    assert missing == []
    assert sorted(dir(icld_match)) == sorted(icld_match.__all__)


def test_a_solve_is_stopped_by_the_stop_flag_passed_to_it() -> None:
    """README: ``stop.set()`` on a ``StopFlag`` passed as ``stop=`` ends the search with
    the best plan so far."""
    problem = icld_match.load_problem(SEASON)
    stop = icld_match.StopFlag()
    threading.Timer(1.5, stop.set).start()
    started = time.perf_counter()
    answer = icld_match.solve(problem, time_limit=120, workers=1, stop=stop)
    assert time.perf_counter() - started < 20
    assert answer.is_feasible()
    assert icld_match.check(problem, answer) == []
    assert any("interrupted" in reason for reason in answer.reasons), answer.reasons
