"""Model only: the slots of one cohort at one host are interchangeable; fix their order.

Open slots come first, and the i-th candidate (in index order) may only use slots of rank
<= i. Any allocation can be relabelled to satisfy this (order a host's teams by their
lowest-ranked member), so no solution is lost, while k! copies of each one are.
"""

from itertools import pairwise

from ..model import ModelContext


def apply(ctx: ModelContext) -> None:
    for slots in ctx.slots_at.values():
        for before, after in pairwise(slots):
            ctx.model.add_implication(ctx.used[after], ctx.used[before])
        candidates = ctx.in_slot[slots[0]]
        for position, p in enumerate(candidates):
            for s in slots[position + 1 :]:
                ctx.model.add(ctx.x[p, s] == 0)
