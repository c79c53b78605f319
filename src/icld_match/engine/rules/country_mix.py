"""Networking across partner countries.

Soft: each team earns one unit per country beyond the first among its members, so a team
of Kenya + Serbia + Indonesia scores 2. Hard (``rules.mixed_countries == "hard"``): in a
cohort with two or more countries, no team is made of one country only.
"""

from collections import defaultdict

import numpy as np

from ..model import ModelContext


def apply(ctx: ModelContext) -> None:
    problem, index = ctx.index.problem, ctx.index
    policy = problem.rules.mixed_countries
    if policy == "off":
        return
    term = ctx.new_term("country_mix", "reward", problem.weights.country_mix)
    cohort_countries = [
        len(np.unique(index.country_of[index.members(c)])) for c in range(len(problem.cohorts))
    ]
    for s, slot in enumerate(ctx.slots):
        by_country = defaultdict(list)
        for p in ctx.in_slot[s]:
            by_country[int(index.country_of[p])].append(ctx.x[p, s])
        for country, members in by_country.items():
            present = ctx.model.new_bool_var(f"country[{s},{country}]")
            # linear, not a clause: at CP-SAT's default linearization the LP then sees it
            ctx.model.add(present <= sum(members))
            term.add(1.0, present)
            if policy == "hard" and cohort_countries[slot.cohort] >= 2:
                cohort_id = problem.cohorts[slot.cohort].id
                one_country = sum(members) <= ctx.size(s) - ctx.used[s]
                ctx.require(one_country, "mixed_countries", cohort_id, (cohort_id,))
        term.add(-1.0, ctx.used[s])
