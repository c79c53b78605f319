"""Same-organisation policy for colleagues in one cohort.

'apart' spreads colleagues over teams (penalty: members of an organisation in a team
beyond the first); 'together' keeps them in one team (penalty: teams an organisation is
split over beyond the first). With ``organisation_strictness == "hard"`` the penalty
becomes a rule that must hold.
"""

from collections import defaultdict

from ..model import ModelContext
from .keep_together import tie


def colleagues(ctx: ModelContext) -> list[list[int]]:
    """Participants sharing a cohort and a (non-empty) organisation, groups of two or more."""
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    index = ctx.index
    for p in range(index.n_participants):
        if index.organisation_of[p] >= 0:
            groups[int(index.cohort_of[p]), int(index.organisation_of[p])].append(p)
    return [g for g in groups.values() if len(g) > 1]


def apply(ctx: ModelContext) -> None:
    rules, weights = ctx.index.problem.rules, ctx.index.problem.weights
    if rules.organisation == "neutral":
        return
    hard = rules.organisation_strictness == "hard"
    term = ctx.new_term("organisation", "penalty", weights.organisation)
    model = ctx.model
    participants = ctx.index.problem.participants
    for group in colleagues(ctx):
        first = participants[group[0]]
        label = f"{first.organisation} in {first.cohort}"
        records = tuple(participants[p].id for p in group)
        slots = sorted({s for p in group for s in ctx.of_participant[p]})
        if rules.organisation == "together":
            if hard:
                tie(ctx, group, "organisation", label)
                continue
            term.constant -= 1.0
            for s in slots:
                hosts_some = model.new_bool_var(f"org_in[{s},{group[0]}]")
                for p in group:
                    if (p, s) in ctx.x:
                        model.add_implication(ctx.x[p, s], hosts_some)
                term.add(1.0, hosts_some)
            continue
        for s in slots:
            present = [ctx.x[p, s] for p in group if (p, s) in ctx.x]
            if len(present) < 2:
                continue
            if hard:
                ctx.require(sum(present) <= 1, "organisation", label, records)
            else:
                excess = model.new_int_var(0, len(present) - 1, f"org_excess[{s},{group[0]}]")
                model.add(excess >= sum(present) - 1)
                term.add(1.0, excess)
