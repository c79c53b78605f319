"""Hard: a host receives at most ``group_visits.max_per_day`` groups a day, all cohorts."""

from collections import defaultdict
from datetime import date

from ortools.sat.python import cp_model

from ..model import ModelContext


def apply(ctx: ModelContext) -> None:
    hosts = ctx.index.problem.hosts
    by_day: dict[tuple[int, date], list[cp_model.IntVar]] = defaultdict(list)
    for options in ctx.visit_vars:
        for option, var in options:
            by_day[option.host, option.day].append(var)
    for (h, day), literals in sorted(by_day.items()):
        offer = hosts[h].group_visits
        assert offer is not None  # options exist only at hosts that offer group visits
        if len(literals) > offer.max_per_day:
            label = f"{hosts[h].id} on {day}"
            ctx.require(sum(literals) <= offer.max_per_day, "visit_per_day", label, (hosts[h].id,))
