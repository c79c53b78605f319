"""Soft reward: each distinct host a cohort visits, so teams spread over many municipalities."""

from ..model import ModelContext


def apply(ctx: ModelContext) -> None:
    term = ctx.new_term("host_spread", "reward", ctx.index.problem.weights.host_spread)
    for (c, h), slots in ctx.slots_at.items():
        visited = ctx.model.new_bool_var(f"visited[{c},{h}]")
        ctx.model.add(visited <= sum(ctx.used[s] for s in slots))  # linear: seen by the LP
        term.add(1.0, visited)
