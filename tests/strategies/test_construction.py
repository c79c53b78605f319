"""The construction reports its first plan as it would be returned: with study visits."""

from __future__ import annotations

import pytest

from icld_match import check
from icld_match.analysis.check import objective
from icld_match.engine.clock import Deadline
from icld_match.index.problem_index import ProblemIndex
from icld_match.strategies.calendar import fixed_days
from icld_match.strategies.construction import Construct
from icld_match.strategies.context import Context, SolveOptions
from icld_match.strategies.greedy import greedy_allocation
from icld_match.strategies.visits import with_visits


def test_the_first_plan_is_reported_with_its_visits() -> None:
    generate = pytest.importorskip("benchmarks.generate").generate
    index = ProblemIndex.build(fixed_days(ProblemIndex.build(generate("season-full", seed=1))))
    heard: list[tuple[float, str]] = []
    ctx = Context(SolveOptions(workers=1), Deadline(10.0))
    ctx.on_progress = lambda p: heard.append((p.objective, p.source))
    polished = Construct().run(index, None, ctx)
    assert polished is not None
    greedy = greedy_allocation(index, deadline=Deadline(10.0))
    assert greedy is not None
    first = with_visits(index, greedy, Deadline(10.0))
    assert first is not None and check(index.problem, first) == []
    # the teams alone score higher: visits' trips cost more than their fit adds here
    assert objective(index.problem, greedy) > objective(index.problem, first)
    assert heard == [(pytest.approx(objective(index.problem, first)), "greedy")]
