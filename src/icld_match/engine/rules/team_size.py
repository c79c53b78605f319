"""Hard: an opened team has between the cohort's minimum and maximum members; a closed one none."""

from ..model import ModelContext


def apply(ctx: ModelContext) -> None:
    cohorts = ctx.index.problem.cohorts
    for s, slot in enumerate(ctx.slots):
        cohort = cohorts[slot.cohort]
        size, used = ctx.size(s), ctx.used[s]
        ctx.model.add(size <= len(ctx.in_slot[s]) * used)  # a closed slot is empty, always
        bounds = f"{cohort.id} ({cohort.team_size.min}-{cohort.team_size.max})"
        ctx.require(size >= cohort.team_size.min * used, "team_size", bounds, (cohort.id,))
        ctx.require(size <= cohort.team_size.max * used, "team_size", bounds, (cohort.id,))
