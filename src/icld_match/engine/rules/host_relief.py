"""Soft penalty: each team at a host costs the teams that host received in the latest
season of the history (``team_terms["host_relief"]``), so last year's busiest hosts are
relieved this year."""

from ..model import ModelContext


def apply(ctx: ModelContext) -> None:
    index = ctx.index
    raw = index.team_terms.get("host_relief")
    if raw is None:
        return
    term = ctx.new_term("host_relief", "penalty", index.problem.weights.host_relief)
    for s, slot in enumerate(ctx.slots):
        term.add(float(raw[slot.cohort, slot.host]), ctx.used[s])
