"""Rosters: the allocation as sheets a coordinator can send on, per host, per cohort, per person.

Hosts need to know who comes when and what they need; cohort leads need the teams; the
programme office needs one row per participant to sort and filter. The ``participants``
audience leaves out fit, ranks and scores: a participant should not read that they were
someone's fourth-best match. Contact columns appear only when the schema has them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Literal

from ..analysis.explain import explain
from ..index.problem_index import fit_matrix
from ..records.result import Allocation, Team
from ..records.schema import Host, Participant, Problem
from . import cells
from .tables import Table

__all__ = ["Audience", "roster_tables"]

Audience = Literal["coordinators", "participants"]
_CONTACT = ("email", "phone")


def _contacts(model: type[Participant] | type[Host]) -> list[str]:
    """Contact fields the schema carries (none today); rosters show them when present."""
    return [name for name in _CONTACT if name in model.model_fields]


def _person_cells(p: Participant | None, pid: str) -> list[Any]:
    if p is None:
        return [pid, "(not in the problem)", "", "", "", ""] + [""] * len(_contacts(Participant))
    contact = [getattr(p, name, None) for name in _contacts(Participant)]
    return [
        p.id,
        p.name,
        p.country,
        p.organisation,
        cells.format_list(p.languages),
        cells.format_list(p.access_needs),
        *contact,
    ]


def _person_header() -> list[str]:
    return [
        "participant",
        "name",
        "country",
        "organisation",
        "languages",
        "access needs",
        *_contacts(Participant),
    ]


def roster_tables(
    problem: Problem, allocation: Allocation, audience: Audience = "coordinators"
) -> list[Table]:
    """A summary (coordinators only), one sheet per participant list, cohort and host."""
    scores = audience == "coordinators"
    people = {p.id: p for p in problem.participants}
    tables = [_summary(problem, allocation)] if scores else []
    tables.append(_participants(problem, allocation, scores))
    by_cohort: dict[str, list[Team]] = defaultdict(list)
    by_host: dict[str, list[Team]] = defaultdict(list)
    for team in allocation.teams:
        by_cohort[team.cohort].append(team)
        by_host[team.host].append(team)
    hosts = {h.id: h for h in problem.hosts}
    for cohort in problem.cohorts:
        table = Table(
            f"cohort {cohort.id}",
            ["team", "host", "municipality", "start", "end", "members", "countries"]
            + ["fit"] * scores,
        )
        for team in by_cohort.get(cohort.id, []):
            host = hosts.get(team.host)
            members = [people[m] for m in team.members if m in people]
            table.add(
                [
                    team.id,
                    host.name if host else team.host,
                    host.municipality if host else "",
                    team.start,
                    team.end,
                    "; ".join(p.name for p in members),
                    "; ".join(dict.fromkeys(p.country for p in members)),
                    *([round(team.fit, 3)] if scores else []),
                ]
            )
        tables.append(table)
    if allocation.visits:
        tables.append(_visits_sheet(problem, allocation, scores))
    fits = _fits(problem) if scores else None
    for host in problem.hosts:
        if host.id in by_host:
            tables.append(_host_sheet(host, by_host[host.id], people, fits))
    for table in tables:  # read by people, never imported: no live formulas in CSV
        table.guard_formulas = True
    return tables


def _visits_sheet(problem: Problem, allocation: Allocation, scores: bool) -> Table:
    """Every whole-group study visit, by cohort and day: where the whole group goes."""
    hosts = {h.id: h for h in problem.hosts}
    table = Table(
        "study visits",
        ["cohort", "visit", "day", "host", "municipality", "people"] + ["fit"] * scores,
    )
    size = {c.id: 0 for c in problem.cohorts}
    for p in problem.participants:
        size[p.cohort] = size.get(p.cohort, 0) + 1
    for visit in sorted(allocation.visits, key=lambda v: (v.cohort, v.day, v.visit)):
        host = hosts.get(visit.host)
        table.add(
            [
                visit.cohort,
                visit.visit,
                visit.day,
                host.name if host else visit.host,
                host.municipality if host else "",
                size.get(visit.cohort, 0),
                *([round(visit.fit, 3)] if scores else []),
            ]
        )
    return table


def _host_sheet(
    host: Host,
    teams: list[Team],
    people: dict[str, Participant],
    fits: dict[tuple[str, str], float] | None,
) -> Table:
    """What a host needs: dates, teams, names, languages, access needs (and contacts)."""
    header = ["start", "end", "team", "cohort", *_person_header()]
    table = Table(host.name, header + ["fit with host"] * (fits is not None))
    for team in sorted(teams, key=lambda t: (t.start, t.id)):
        for member in team.members:
            row = [team.start, team.end, team.id, team.cohort]
            row += _person_cells(people.get(member), member)
            if fits is not None:
                row.append(fits.get((member, host.id)))
            table.add(row)
    return table


def _fits(problem: Problem) -> dict[tuple[str, str], float]:
    """Fit of every (participant, host) pair, affinities included, rounded for display."""
    matrix = fit_matrix(problem)
    return {
        (p.id, h.id): round(float(matrix[i, j]), 3)
        for i, p in enumerate(problem.participants)
        for j, h in enumerate(problem.hosts)
    }


def _participants(problem: Problem, allocation: Allocation, scores: bool) -> Table:
    """One row per participant, placed or not, in the problem's order."""
    header = [
        "cohort",
        *_person_header(),
        "team",
        "host",
        "host name",
        "municipality",
        "start",
        "end",
        "teammates",
    ]
    if scores:
        header += ["fit", "host rank", "open hosts", "wish granted"]
        reports = {r.id: r for r in explain(problem, allocation).participants}
    hosts = {h.id: h for h in problem.hosts}
    people = {p.id: p for p in problem.participants}
    table = Table("participants", header)
    for p in problem.participants:
        team = allocation.team_of(p.id)
        host = hosts.get(team.host) if team else None
        where: list[Any] = ["", "", "", "", "", "", "unplaced"]
        if team is not None:
            mates = [people[m].name if m in people else m for m in team.members if m != p.id]
            where = [
                team.id,
                team.host,
                host.name if host else "",
                host.municipality if host else "",
                team.start,
                team.end,
                "; ".join(mates),
            ]
        row = [p.cohort, *_person_cells(p, p.id), *where]
        if scores:
            r = reports[p.id]
            row += [
                None if r.fit is None else round(r.fit, 3),
                r.host_rank,
                r.open_hosts,
                r.wish_rank,
            ]
        table.add(row)
    return table


def _summary(problem: Problem, allocation: Allocation) -> Table:
    """Status and the score per term: the numbers a coordinator reports upwards."""
    table = Table("summary", ["item", "value", "weight", "contribution"], widths=[24, 16, 10, 14])
    table.add(["status", allocation.status.value, None, None])
    table.add(["objective", allocation.objective, None, None])
    table.add(["teams", len(allocation.teams), None, None])
    placed = sum(len(t.members) for t in allocation.teams)
    table.add(["participants placed", f"{placed} of {len(problem.participants)}", None, None])
    for term in allocation.terms:
        table.add(
            [
                f"{term.sense}: {term.name}",
                round(term.value, 3),
                term.weight,
                round(term.contribution, 3),
            ]
        )
    for reason in allocation.reasons:
        table.add(["reason", reason, None, None])
    return table
