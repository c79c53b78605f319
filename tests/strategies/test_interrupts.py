"""Interrupts: Ctrl-C / SIGTERM / a stop flag end the search with the best plan so far."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from icld_match import Problem, Status, check, load_problem, solve
from icld_match.engine.clock import StopFlag

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "data" / "itp-local-democracy-2026.json"


def test_stop_flag_on_the_exact_path_says_interrupted_not_time_limit() -> None:
    """Defect 3: the reason used to say no allocation was found within the time limit."""
    generate = pytest.importorskip("benchmarks.generate").generate
    problem = generate("season", seed=0)
    stop = StopFlag()
    threading.Timer(1.0, stop.set, args=("SIGINT",)).start()
    allocation = solve(problem, workers=1, time_limit=60, strategy="exact", stop=stop)
    assert allocation.wall_time < 30
    assert allocation.reasons, allocation
    assert "Interrupted" in allocation.reasons[0]
    assert "time limit" not in " ".join(allocation.reasons)


def test_stop_flag_in_the_portfolio_returns_the_best_plan_as_feasible() -> None:
    generate = pytest.importorskip("benchmarks.generate").generate
    problem = generate("season", seed=2)
    stop = StopFlag()
    threading.Timer(1.5, stop.set, args=("SIGTERM",)).start()
    allocation = solve(problem, workers=1, time_limit=60, stop=stop)
    assert allocation.status is Status.FEASIBLE and check(problem, allocation) == []
    assert allocation.wall_time < 30
    assert "Interrupted (SIGTERM)" in allocation.reasons[0]


def _run_cli_and_signal(tmp_path: Path, sig: signal.Signals) -> tuple[int, Path, Problem]:
    generate = pytest.importorskip("benchmarks.generate").generate
    problem = generate("stress", seed=0, size=1000)
    source, out = tmp_path / "problem.json", tmp_path / "allocation.json"
    source.write_text(problem.to_json())
    command = [
        sys.executable,
        "-m",
        "icld_match.cli",
        "solve",
        str(source),
        "--out",
        str(out),
        "--time-limit",
        "120",
        "--workers",
        "2",
        "--progress",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(
        command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env
    )
    assert proc.stderr is not None
    for line in proc.stderr:  # wait for the first plan
        if "solution" in line:
            break
    proc.send_signal(sig)
    proc.stderr.read()
    return proc.wait(timeout=60), out, problem


def test_ctrl_c_in_the_cli_writes_the_best_plan_and_exits_130(tmp_path: Path) -> None:
    """Defect 2: Ctrl-C during decompose used to abort with std::bad_function_call (134)."""
    code, out, problem = _run_cli_and_signal(tmp_path, signal.SIGINT)
    assert code == 130
    allocation = json.loads(out.read_text())
    assert allocation["status"] == "feasible"
    from icld_match import Allocation

    assert check(problem, Allocation.model_validate(allocation)) == []


def test_sigterm_in_the_cli_exits_143(tmp_path: Path) -> None:
    code, out, _ = _run_cli_and_signal(tmp_path, signal.SIGTERM)
    assert code == 143 and out.exists()


def test_signal_handlers_are_restored_after_solve() -> None:
    before = signal.getsignal(signal.SIGINT)
    solve(load_problem(EXAMPLE), workers=1, time_limit=5)
    assert signal.getsignal(signal.SIGINT) is before
