"""Large-neighbourhood search over clusters of cohorts that compete for the same hosts.

Why: decompose converges when no single cohort and no pair of concurrent cohorts can
improve alone; a better plan may still need three or four cohorts to trade places at
once, or cohorts that meet only through a host's season cap. Each neighbourhood here is
one cohort plus up to ``size - 1`` random cohorts coupled to it (sharing a usable host on
a common day or under a season cap); it is re-solved exactly against the rest, exactly as
a decompose block. Neighbourhoods grow when a round brings no gain.
"""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..engine.model import slot_matrix
from ..index.problem_index import ProblemIndex
from ..records.result import Allocation
from .context import Context
from .decompose import BLOCK_SHORTLIST, BlockRunner, CohortSweep, setup_time

#: Cohorts per neighbourhood, tried in this order (the last repeats).
SIZES = (3, 4, 6)
#: Time one neighbourhood's model may take.
NEIGHBOURHOOD_LIMIT = 3.0


def coupled(index: ProblemIndex) -> list[set[int]]:
    """For each cohort, the other cohorts it competes with for some host."""
    usable = slot_matrix(index) > 0
    n = len(index.problem.cohorts)
    if index.problem.travel_budget is not None:  # every cohort spends the one season budget
        return [set(range(n)) - {c} for c in range(n)]
    near: list[set[int]] = [set() for _ in range(n)]
    for h, host in enumerate(index.problem.hosts):
        users = set(np.flatnonzero(usable[:, h]).tolist())
        groups = (
            [users]
            if host.season_max_teams is not None
            else [users & g for g in index.concurrent_cohorts]
        )
        for group in groups:
            for c in group:
                near[c] |= group - {c}
    return near


def neighbourhoods(near: list[set[int]], size: int, rng: random.Random) -> list[list[int]]:
    """One cluster per cohort (in random order): the cohort and random coupled ones."""
    blocks: list[list[int]] = []
    for c in rng.sample(range(len(near)), len(near)):
        others = sorted(near[c])
        rng.shuffle(others)
        block = sorted([c, *others[: size - 1]])
        if len(block) > 1 and block not in blocks:
            blocks.append(block)
    return blocks


class Lns:
    """Strategy: re-solve clusters of coupled cohorts until a full round brings nothing."""

    name = "lns"

    def __init__(self) -> None:
        self.converged = False

    def run(
        self, index: ProblemIndex, incumbent: Allocation | None, ctx: Context
    ) -> Allocation | None:
        if incumbent is None or ctx.deadline.expired(margin=setup_time(index)):
            return None
        options, deadline = ctx.options, ctx.deadline
        rng = random.Random(options.seed)
        near = coupled(index)
        sweep = CohortSweep(
            index,
            incumbent,
            seed=options.seed,
            keep=BLOCK_SHORTLIST,
            stop=deadline.stop,
            relaxed=options.allow_unplaced,
        )

        def improved(value: float) -> None:
            ctx.report(value, self.name)

        self.converged = False
        with ThreadPoolExecutor(max_workers=options.workers) as pool:
            runner = BlockRunner(
                sweep, pool, deadline, options.workers, improved, NEIGHBOURHOOD_LIMIT
            )
            for size in SIZES:
                blocks = neighbourhoods(near, size, rng)
                if not blocks:
                    break
                outcome = runner.run(blocks)
                if outcome is None:
                    return sweep.plan(incumbent)
            self.converged = True
        return sweep.plan(incumbent)
