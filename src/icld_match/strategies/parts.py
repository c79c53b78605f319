"""Independent parts: groups of cohorts that share no host on a common day or season cap.

Why: such groups never compete, so each is planned on its own (a smaller model, its own
portfolio), the joined plan is optimal when every part is, and the parts' bounds add up
to a bound of the whole. Time is shared in proportion to the parts' participants.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..analysis.check import objective as objective_of
from ..engine.model import slot_matrix
from ..index.problem_index import ProblemIndex
from ..records.result import Allocation, Status
from .context import Context, Progress
from .decompose import CohortRecords, independent_parts, subproblem

__all__ = ["PartResult", "independent_parts", "part_index", "solve_parts"]


@dataclass
class PartResult:
    """One part's plan (None if none was found), its bound and whether it is proven."""

    plan: Allocation | None
    bound: float | None
    proven: bool
    strategy: str
    status: Status


def part_index(index: ProblemIndex, records: CohortRecords, part: list[int]) -> ProblemIndex:
    """The part alone: its cohorts at the hosts they can use, and every host they pin to.

    A pinned host the part cannot use is kept too, so that the part's own model (and its
    diagnosis) reports the pin instead of failing on an unknown host id.
    """
    usable = slot_matrix(index) > 0
    hosts = set(np.flatnonzero(usable[part].any(axis=0)).tolist())
    hosts |= {index.host_pos[pin.host] for c in part for pin in records.pins[c]}
    return ProblemIndex.build(subproblem(index, records, part, sorted(hosts)))


def solve_parts(
    index: ProblemIndex,
    parts: list[list[int]],
    ctx: Context,
    solve_one: Callable[[ProblemIndex, Context], PartResult],
) -> list[PartResult]:
    """Solve each part with ``solve_one`` under its share of the time; stop at the first
    part with no plan (the whole then has none)."""
    records = CohortRecords.of(index)
    people = [sum(len(index.members(c)) for c in part) for part in parts]
    results: list[PartResult] = []
    done = 0.0  # objective of the parts already solved, for progress reports
    whole, report = ctx.deadline, ctx.on_progress
    for n, part in enumerate(parts):
        sub = part_index(index, records, part)
        share = people[n] / sum(people[n:])

        def forward(progress: Progress, base: float = done) -> None:
            if report is not None:
                report(
                    Progress(
                        base + progress.objective,
                        None,
                        whole.elapsed(),
                        progress.solutions,
                        f"parts:{progress.source}",
                        whole.limit,
                    )
                )

        sub_ctx = Context(ctx.options, whole.share(share), forward, clock=whole)
        result = solve_one(sub, sub_ctx)
        results.append(result)
        if result.plan is None:
            break
        value = result.plan.objective  # a construction's plan may not carry it
        done += value if value is not None else objective_of(sub.problem, result.plan)
    return results
