"""Soft reward: each distinct host used over the whole problem (every cohort), so the
season reaches many municipalities. Hosts in ``Problem.hosts_in_use`` already receive
teams elsewhere this season and earn nothing (decompose uses this for its blocks)."""

from collections import defaultdict

from ..model import ModelContext


def apply(ctx: ModelContext) -> None:
    problem = ctx.index.problem
    weight = problem.weights.season_spread
    if weight <= 0:
        return
    term = ctx.new_term("season_spread", "reward", weight)
    in_use = set(problem.hosts_in_use)
    slots_of: dict[int, list[int]] = defaultdict(list)
    for s, slot in enumerate(ctx.slots):
        slots_of[slot.host].append(s)
    for h, slots in sorted(slots_of.items()):
        if problem.hosts[h].id in in_use:
            continue
        visited = ctx.model.new_bool_var(f"season_visited[{h}]")
        ctx.model.add(visited <= sum(ctx.used[s] for s in slots))  # linear: seen by the LP
        term.add(1.0, visited)
