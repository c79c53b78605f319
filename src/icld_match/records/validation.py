"""Cross-record validation: gathers every inconsistency between records into one error.

Imported by :mod:`icld_match.records.schema` (which runs it after the field checks);
it refers to the schema for types only, so the import goes one way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from .errors import ProblemError, ProblemIssue, label
from .travel import UNITS_PER_SEK, travel_cost_matrix, uses_travel

if TYPE_CHECKING:
    from .schema import Problem

#: Objective coefficients are weight x value x SCALE rounded to integers; CP-SAT sums
#: them in 64 bits. A problem whose largest possible objective exceeds this is refused
#: before the solver sees it (2**53: every integer up to it is exact as a float).
MAX_OBJECTIVE_UNITS = 2.0**53
OBJECTIVE_SCALE = 1000  # mirrors icld_match.engine.model.SCALE (asserted in the tests)

_label = label


def _duplicates(ids: Iterable[str]) -> set[str]:
    return {i for i, n in Counter(ids).items() if n > 1}


class _Issues:
    """The issues found so far, and the id look-ups every check shares."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.found: list[ProblemIssue] = []
        self.cohort_ids = {c.id for c in problem.cohorts}
        self.host_ids = {h.id for h in problem.hosts}
        self.participant_cohort = {p.id: p.cohort for p in problem.participants}

    def add(self, record: str, field: str, message: str) -> None:
        self.found.append(ProblemIssue(record, field, message))

    def unknown_hosts(self, record: str, field: str, ids: Sequence[str]) -> None:
        for h in ids:
            if h not in self.host_ids:
                self.add(record, field, f"unknown host {h!r}")
        for h in _duplicates(ids):
            self.add(record, field, f"host {h!r} listed twice")

    def unknown_participants(self, record: str, field: str, ids: Sequence[str]) -> None:
        for p in ids:
            if p not in self.participant_cohort:
                self.add(record, field, f"unknown participant {p!r}")
        for p in _duplicates(ids):
            self.add(record, field, f"participant {p!r} listed twice")


def problem_issues(problem: Problem) -> list[ProblemIssue]:
    """Every cross-record problem: unknown or duplicate ids, empty cohorts, double pins."""
    issues = _Issues(problem)
    _duplicate_ids(issues)
    _participant_issues(issues)
    _host_tag_issues(issues)
    _cohort_issues(issues)
    issues.found += study_visit_issues(problem)
    _pin_issues(issues)
    _group_issues(issues)
    _rule_issues(issues)
    _affinity_issues(issues)
    for i, visit in enumerate(problem.history):
        issues.unknown_hosts(_label("history", i), "host", [visit.host])
    issues.unknown_hosts("problem", "hosts_in_use", problem.hosts_in_use)
    issues.found += _travel_cost_issues(problem, issues.cohort_ids, issues.host_ids)
    return issues.found


def _duplicate_ids(issues: _Issues) -> None:
    problem = issues.problem
    id_lists: dict[str, list[str]] = {
        "cohorts": [c.id for c in problem.cohorts],
        "participants": [p.id for p in problem.participants],
        "hosts": [h.id for h in problem.hosts],
    }
    for name, ids in id_lists.items():
        dup = _duplicates(ids)
        for i, record_id in enumerate(ids):
            if record_id in dup:
                issues.add(_label(name, i, record_id), "id", f"duplicate id {record_id!r}")


def _participant_issues(issues: _Issues) -> None:
    for i, p in enumerate(issues.problem.participants):
        label = _label("participants", i, p.id)
        if p.cohort not in issues.cohort_ids:
            issues.add(label, "cohort", f"unknown cohort {p.cohort!r}")
        wished = [h for entry in p.wishes for h in ([entry] if isinstance(entry, str) else entry)]
        issues.unknown_hosts(label, "wishes", wished)
        issues.unknown_hosts(label, "blocked_hosts", p.blocked_hosts)
        for h in sorted(set(wished) & set(p.blocked_hosts)):
            issues.add(label, "wishes", f"host {h!r} is both wished for and blocked")
        for field in ("languages", "themes", "access_needs"):
            for tag in _duplicates(t.casefold() for t in getattr(p, field)):
                issues.add(label, field, f"tag {tag!r} listed twice (tags ignore case)")


def _host_tag_issues(issues: _Issues) -> None:
    for i, host in enumerate(issues.problem.hosts):
        for field in ("languages", "themes", "accessibility"):
            for tag in _duplicates(t.casefold() for t in getattr(host, field)):
                message = f"tag {tag!r} listed twice (tags ignore case)"
                issues.add(_label("hosts", i, host.id), field, message)


def _cohort_issues(issues: _Issues) -> None:
    head_count = Counter(p.cohort for p in issues.problem.participants)
    for i, c in enumerate(issues.problem.cohorts):
        if head_count[c.id] == 0:
            issues.add(_label("cohorts", i, c.id), "id", "cohort has no participants")


def _pin_issues(issues: _Issues) -> None:
    pinned: dict[str, str] = {}
    for i, pin in enumerate(issues.problem.pins):
        label = _label("pins", i)
        issues.unknown_participants(label, "participant", [pin.participant])
        issues.unknown_hosts(label, "host", [pin.host])
        earlier = pinned.setdefault(pin.participant, pin.host)
        if earlier != pin.host:
            message = f"{pin.participant!r} is pinned to both {earlier!r} and {pin.host!r}"
            issues.add(label, "participant", message)


def _group_issues(issues: _Issues) -> None:
    problem = issues.problem
    for name, member_lists in (
        ("keep_together", [g.members for g in problem.keep_together]),
        ("keep_apart", [g.members for g in problem.keep_apart]),
    ):
        for i, members in enumerate(member_lists):
            label = _label(name, i)
            issues.unknown_participants(label, "members", members)
            known = issues.participant_cohort
            cohorts = {known[m] for m in members if m in known}
            if name == "keep_together" and len(cohorts) > 1:
                issues.add(
                    label,
                    "members",
                    "members come from different cohorts "
                    f"({', '.join(sorted(cohorts))}); a team holds one cohort only",
                )


def _rule_issues(issues: _Issues) -> None:
    rules = issues.problem.rules
    soft_floor = rules.fit_floor is not None and rules.fit_floor_strictness == "soft"
    if rules.objective == "lexicographic" and soft_floor:
        issues.add(
            "rules",
            "objective",
            "'lexicographic' holds the best lowest fit as a hard floor, which replaces a "
            "soft fit_floor; make the floor hard or use objective 'sum'",
        )


def _affinity_issues(issues: _Issues) -> None:
    seen_pairs: set[tuple[str, str]] = set()
    for i, a in enumerate(issues.problem.affinities):
        label = _label("affinities", i)
        issues.unknown_participants(label, "participant", [a.participant])
        issues.unknown_hosts(label, "host", [a.host])
        if (a.participant, a.host) in seen_pairs:
            issues.add(label, "host", f"second affinity for ({a.participant!r}, {a.host!r})")
        seen_pairs.add((a.participant, a.host))


def _travel_cost_issues(
    problem: Problem, cohort_ids: set[str], host_ids: set[str]
) -> list[ProblemIssue]:
    """Supplied trip costs name known cohorts and hosts, at most once per pair."""
    issues: list[ProblemIssue] = []
    seen: set[tuple[str, str]] = set()
    for i, given in enumerate(problem.travel_costs):
        label = _label("travel_costs", i)
        if given.cohort not in cohort_ids:
            issues.append(ProblemIssue(label, "cohort", f"unknown cohort {given.cohort!r}"))
        if given.host not in host_ids:
            issues.append(ProblemIssue(label, "host", f"unknown host {given.host!r}"))
        if (given.cohort, given.host) in seen:
            issues.append(
                ProblemIssue(
                    label, "host", f"second travel cost for ({given.cohort!r}, {given.host!r})"
                )
            )
        seen.add((given.cohort, given.host))
    return issues


def latest_season_teams(problem: Problem) -> dict[str, int]:
    """Host id -> teams it received in the latest season of the history (seasons sort as
    text); empty without history."""
    if not problem.history:
        return {}
    latest = max(v.season for v in problem.history)
    teams: Counter[str] = Counter()
    for visit in problem.history:
        if visit.season == latest:
            teams[visit.host] += visit.teams
    return dict(teams)


def study_visit_issues(problem: Problem) -> list[ProblemIssue]:
    """Study visits: ids unique within a cohort, no day or theme given twice; a host's
    group-visit themes listed once each (tags ignore case)."""
    issues: list[ProblemIssue] = []
    for i, cohort in enumerate(problem.cohorts):
        label = _label("cohorts", i, cohort.id)
        ids = [v.id for v in cohort.study_visits]
        for k, visit in enumerate(cohort.study_visits):
            field = f"study_visits[{k}]"
            if visit.id in _duplicates(ids):
                message = f"duplicate visit id {visit.id!r}"
                issues.append(ProblemIssue(label, f"{field}.id", message))
            for day in _duplicates(str(d) for d in visit.days or []):
                issues.append(ProblemIssue(label, f"{field}.days", f"day {day} listed twice"))
            for tag in _duplicates(t.casefold() for t in visit.themes):
                issues.append(
                    ProblemIssue(
                        label, f"{field}.themes", f"tag {tag!r} listed twice (tags ignore case)"
                    )
                )
    for i, host in enumerate(problem.hosts):
        offer = host.group_visits
        for tag in _duplicates(t.casefold() for t in (offer.themes if offer else {})):
            issues.append(
                ProblemIssue(
                    _label("hosts", i, host.id),
                    "group_visits.themes",
                    f"tag {tag!r} listed twice (tags ignore case)",
                )
            )
    return issues


def objective_range_issues(problem: Problem) -> list[ProblemIssue]:
    """A weight so large that the scaled objective would overflow CP-SAT's integers.

    Each term's raw value is bounded by a count of the problem (participants, or cohorts
    x hosts for host spread); the bound times the weight times the scale must stay below
    :data:`MAX_OBJECTIVE_UNITS`. The field bounds make this hold for any realistic size,
    so it names the weight to lower only for absurd combinations.
    """
    people = len(problem.participants)
    largest = max((c.team_size.max for c in problem.cohorts), default=1)
    dearest = _dearest_trip(problem)
    if people * dearest * UNITS_PER_SEK > MAX_OBJECTIVE_UNITS:
        return [
            ProblemIssue(
                "travel",
                "cost_per_km",
                f"travel costs up to {dearest:.3g} SEK a trip are too large for this problem: "
                f"with {people} participants the summed cost could exceed the solver's "
                "integer range",
            )
        ]
    bounds = {
        "thematic_fit": people,
        "country_mix": people * largest,
        "organisation": people * largest,
        "wishes": people,
        "host_spread": len(problem.cohorts) * len(problem.hosts),
        "partnership": people,
        "season_spread": len(problem.hosts),
        "host_relief": people * max(latest_season_teams(problem).values(), default=0),
        "revisit": people,
        "fit_floor": people,
        "worst_fit": 1,
        "travel": people * dearest / 1000,
        "visit_fit": sum(len(c.study_visits) for c in problem.cohorts),
    }
    weights = problem.weights.model_dump()
    total = sum(weights[name] * bound for name, bound in bounds.items()) * OBJECTIVE_SCALE
    if total <= MAX_OBJECTIVE_UNITS:
        return []
    name = max(bounds, key=lambda n: weights[n] * bounds[n])
    return [
        ProblemIssue(
            "weights",
            name,
            f"too large for this problem (got {weights[name]:g}): with "
            f"{people} participants the objective could exceed the solver's integer "
            "range; scale all weights down",
        )
    ]


def _dearest_trip(problem: Problem) -> float:
    """The most one trip of the problem costs (SEK); 0 without travel data."""
    if not uses_travel(problem):
        return 0.0
    return float(travel_cost_matrix(problem).max(initial=0.0))


def raise_for_problem_issues(problem: Problem) -> None:
    issues = problem_issues(problem) or objective_range_issues(problem)
    if issues:
        raise ProblemError(issues)


def raise_for_objective_range(problem: Problem) -> None:
    """Called by ``solve`` too: a problem built without validation (``model_construct``)
    must still fail with a ProblemError naming the weight, never inside CP-SAT."""
    issues = objective_range_issues(problem)
    if issues:
        raise ProblemError(issues)
