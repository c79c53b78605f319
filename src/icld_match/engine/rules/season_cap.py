"""Hard: a host's season cap bounds its teams over all cohorts of the problem."""

from ..model import ModelContext


def apply(ctx: ModelContext) -> None:
    for h, host in enumerate(ctx.index.problem.hosts):
        if host.season_max_teams is None:
            continue
        slots = [s for s, slot in enumerate(ctx.slots) if slot.host == h]
        if slots:
            teams = sum(ctx.used[s] for s in slots)
            ctx.require(teams <= host.season_max_teams, "season_cap", host.id, (host.id,))
