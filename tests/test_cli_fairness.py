"""--out under the lexicographic objective: a plan with a higher sum but a lower worst fit
does not replace the one on disk."""

from __future__ import annotations

from pathlib import Path

from engine.test_fairness import worst_problem
from strategies.test_lexicographic import lexicographic

from icld_match import load_allocation, solve
from icld_match.cli import save_allocation


def test_out_keeps_the_plan_with_the_better_worst_fit(tmp_path: Path) -> None:
    plain = worst_problem(0.0)
    problem = lexicographic(plain)
    fair = solve(problem, workers=1)  # H2: sum 0.8, lowest fit 0.4
    greedy_sum = solve(plain, workers=1)  # H1: sum 1.0, lowest fit 0
    out = tmp_path / "plan.json"
    assert save_allocation(out, fair, problem).startswith("wrote")
    assert save_allocation(out, greedy_sum, problem).startswith("kept")
    assert load_allocation(out).teams[0].host == "H2"
    # a plan of the plain problem is not compared with it (another problem hash)
    assert save_allocation(out, greedy_sum, plain).startswith("wrote")
