"""Hard: a study visit falls on an allowed day, when its host offers group visits and is
available. Closed options get no variable; when diagnosing they are forbidden here, one
named instance per host, so that a core can name the host's days."""

from ..model import ModelContext


def apply(ctx: ModelContext) -> None:
    hosts = ctx.index.problem.hosts
    for options in ctx.visit_vars:
        for option, var in options:
            if "visit_days" in option.closed_by:
                host_id = hosts[option.host].id
                ctx.require(var == 0, "visit_days", host_id, (host_id,))
