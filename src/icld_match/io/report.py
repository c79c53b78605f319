"""A printable plan: one self-contained HTML file with tables, reasons and inline SVG charts.

Coordinators print the plan or attach it to an e-mail, so the file must open anywhere,
offline, years later: no scripts, no fonts or images fetched, CSS inline, charts drawn as
SVG by this module (a few rectangles need no plotting library). Every figure comes from
:func:`icld_match.analysis.explain.explain`, so the report agrees with the validator.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import timedelta
from html import escape

from ..analysis.explain import Explanation, TeamReport, explain
from ..records.result import Allocation
from ..records.schema import Problem

__all__ = ["render_report"]

_CSS = """
@page { size: A4; margin: 14mm 12mm; }
body { font: 10.5pt/1.4 "Segoe UI", "Helvetica Neue", Arial, sans-serif; color: #1d2733;
       max-width: 190mm; margin: 0 auto; padding: 8px; }
h1 { font-size: 19pt; margin: 0 0 2px; color: #0b3d61; }
h2 { font-size: 14pt; color: #0b3d61; border-bottom: 2px solid #0b3d61; padding-bottom: 2px;
     margin-top: 22px; page-break-after: avoid; }
h3 { font-size: 11.5pt; margin: 0 0 4px; }
.lead { color: #4a5866; margin: 0 0 10px; }
.facts { display: flex; flex-wrap: wrap; gap: 8px; margin: 10px 0; }
.fact { border: 1px solid #c9d6e2; border-radius: 6px; padding: 6px 10px; background: #f4f8fb; }
.fact b { display: block; font-size: 14pt; color: #0b3d61; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 9.5pt; }
th, td { border-bottom: 1px solid #d9e1e8; padding: 3px 6px; text-align: left;
         vertical-align: top; }
th { background: #e8eff5; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.nw { white-space: nowrap; }
tr, .card, figure { page-break-inside: avoid; break-inside: avoid; }
.card { border: 1px solid #c9d6e2; border-radius: 6px; padding: 8px 10px; margin: 8px 0; }
.card .why { margin: 4px 0 0; }
.muted { color: #5c6b78; }
.ok { color: #1b6e34; font-weight: 600; } .bad { color: #a11d1d; font-weight: 600; }
figure { margin: 8px 0 12px; } figcaption { font-size: 9pt; color: #5c6b78; }
svg { width: 100%; height: auto; }
svg text { font: 10px Arial, sans-serif; fill: #1d2733; }
@media print { body { padding: 0; } h2 { page-break-before: auto; } a { color: inherit; } }
"""


def _e(value: object) -> str:
    return escape("" if value is None else str(value))


def _table(
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    numeric: set[int],
    nowrap: set[int] | None = None,
) -> str:
    """A plain HTML table; ``numeric`` columns are right-aligned, ``nowrap`` ones never wrap."""

    def cls(i: int) -> str:
        name = "num" if i in numeric else "nw" if nowrap and i in nowrap else ""
        return f' class="{name}"' if name else ""

    head = "".join(f"<th{cls(i)}>{_e(h)}</th>" for i, h in enumerate(header))
    body = "".join(
        "<tr>" + "".join(f"<td{cls(i)}>{_e(v)}</td>" for i, v in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _bars(rows: Sequence[tuple[str, float, float, str]], title: str) -> str:
    """Horizontal bars: (label, value, scale maximum, text beside the bar) per row."""
    label_w, bar_w, row_h, width = 170, 250, 16, 560
    height = row_h * len(rows) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{_e(title)}">'
    ]
    for i, (label, value, top, text) in enumerate(rows):
        y = 4 + i * row_h
        share = 0.0 if top <= 0 else max(0.0, min(1.0, value / top))
        colour = "#2f7ab8" if share < 0.999 else "#0b3d61"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 11}" text-anchor="end">{_e(label[:34])}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{bar_w}" height="{row_h - 5}" '
            f'fill="#e8eff5"/>'
            f'<rect x="{label_w}" y="{y + 2}" width="{share * bar_w:.1f}" '
            f'height="{row_h - 5}" fill="{colour}"/>'
            f'<text x="{label_w + bar_w + 6}" y="{y + 11}">{_e(text)}</text>'
        )
    parts.append("</svg>")
    return f"<figure>{''.join(parts)}<figcaption>{_e(title)}</figcaption></figure>"


def _overview(problem: Problem, allocation: Allocation, e: Explanation) -> str:
    placed = sum(1 for p in e.participants if p.team is not None)
    state = (
        '<span class="ok">every hard rule holds</span>'
        if e.valid
        else f'<span class="bad">{sum(len(r.violations) for r in e.rules)} hard-rule '
        "breaches</span>"
    )
    facts = [
        ("status", allocation.status.value),
        ("teams", str(len(allocation.teams))),
        ("placed", f"{placed} of {len(problem.participants)}"),
        ("hosts used", str(len({t.host for t in allocation.teams}))),
        ("objective", f"{e.objective:.3f}"),
    ]
    boxes = "".join(f'<div class="fact"><b>{_e(v)}</b>{_e(k)}</div>' for k, v in facts)
    names = ", ".join(c.name for c in problem.cohorts)
    html = [f"<h1>Internship plan</h1><p class='lead'>{_e(names)}. {state}.</p>"]
    html.append(f'<div class="facts">{boxes}</div>')
    html += [f"<p class='bad'>{_e(r)}</p>" for r in e.reasons]
    for rule in e.rules:
        html += [f"<p class='bad'>{_e(rule.name)}: {_e(v)}</p>" for v in rule.violations]
    return "".join(html)


def _score(e: Explanation) -> str:
    """The objective per term, as a table and as bars of each term's contribution."""
    rows = [
        (t.name, t.sense, f"{t.value:.3f}", f"{t.weight:.2f}", f"{t.contribution:+.3f}")
        for t in e.terms
    ]
    top = max((abs(t.contribution) for t in e.terms), default=1.0) or 1.0
    bars = [(t.name, abs(t.contribution), top, f"{t.contribution:+.3f}") for t in e.terms]
    return (
        "<h2>Score by term</h2>"
        "<p class='muted'>The plan maximises the sum of the contributions: rewards add, "
        "penalties subtract.</p>"
        + _table(["term", "sense", "value", "weight", "contribution"], rows, {2, 3, 4})
        + _bars(bars, "Contribution of each term to the objective (absolute value)")
    )


def _charts(problem: Problem, allocation: Allocation, e: Explanation) -> str:
    """Fit per team, and each host's load per day against its capacity."""
    fit_rows = [(f"{t.id} {t.host_name or t.host}", t.fit, 1.0, f"{t.fit:.2f}") for t in e.teams]
    load: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for team in allocation.teams:
        span = max(0, min((team.end - team.start).days, 366))  # the team's own days
        days = [team.start + timedelta(k) for k in range(span + 1)]
        for day in days:
            cell = load[(team.host, str(day))]
            cell[0] += 1
            cell[1] += len(team.members)
    hosts = {h.id: h for h in problem.hosts}
    load_rows = []
    for (host_id, day_text), (teams, people) in sorted(load.items()):
        host = hosts.get(host_id)
        cap = host.capacity.max_participants if host else people
        teams_cap = host.capacity.max_teams if host else teams
        name = host.name if host else host_id
        load_rows.append(
            (f"{name} {day_text}", people, cap, f"{people}/{cap} people, {teams}/{teams_cap} teams")
        )
    return (
        "<h2>Charts</h2>"
        + _bars(fit_rows, "Mean thematic fit of each team with its host (0 to 1)")
        + _bars(load_rows, "Host load per day: people received against capacity")
    )


def _team_card(team: TeamReport, e: Explanation, problem: Problem) -> str:
    people = {p.id: p for p in problem.participants}
    rows = []
    for m in team.members:
        p = people.get(m)
        if p is None:
            rows.append((m, "(not in the problem)", "", "", "", ""))
            continue
        rows.append(
            (
                m,
                p.name,
                p.country,
                p.organisation or "",
                ", ".join(p.languages),
                ", ".join(p.access_needs),
            )
        )
    themes = ", ".join(
        f"{t.theme} ({t.contribution:.2f})" for t in team.themes if t.contribution > 0
    )
    extra = [f"<p class='muted'>Themes behind the fit: {_e(themes or 'none')}</p>"]
    extra += [f"<p class='muted'>Falls short on {_e(c)}</p>" for c in team.pays_for]
    host = team.host_name or team.host
    return (
        f'<div class="card"><h3>{_e(team.id)} · {_e(host)} · fit {team.fit:.2f}</h3>'
        + _table(
            ["id", "name", "country", "organisation", "languages", "access needs"], rows, set()
        )
        + f'<p class="why"><b>Why:</b> {_e(team.why)}</p>'
        + "".join(extra)
        + "</div>"
    )


def _cohorts(problem: Problem, allocation: Allocation, e: Explanation) -> str:
    html = []
    people = {p.id: p for p in problem.participants}
    for cohort in problem.cohorts:
        teams = [t for t in e.teams if t.cohort == cohort.id]
        dates = str(cohort.internship or f"chosen within {cohort.window}")
        html.append(f"<h2>Cohort {_e(cohort.name)} ({_e(cohort.id)})</h2>")
        html.append(
            f"<p class='muted'>{_e(cohort.programme)} · internship {_e(dates)} · "
            f"{len(teams)} teams</p>"
        )
        rows = [
            (
                t.id,
                t.host_name or t.host,
                dates,
                "; ".join(people[m].name if m in people else m for m in t.members),
                ", ".join(t.countries),
                f"{t.fit:.2f}",
            )
            for t in teams
        ]
        header = ["team", "host", "dates", "members", "countries", "fit"]
        html.append(_table(header, rows, {5}, nowrap={0, 2}))
        html += [_team_card(t, e, problem) for t in teams]
        html.append(_study_visits(e, cohort.id))
        unplaced = [p for p in e.participants if p.cohort == cohort.id and p.team is None]
        if unplaced:
            html.append("<h3>Not placed</h3><ul>")
            html += [f"<li>{_e(p.name)} ({_e(p.id)}): {_e(p.why)}</li>" for p in unplaced]
            html.append("</ul>")
    return "".join(html)


def _study_visits(e: Explanation, cohort_id: str) -> str:
    """The cohort's whole-group study visits: day, host, fit and why there."""
    visits = sorted((v for v in e.visits if v.cohort == cohort_id), key=lambda v: v.day)
    if not visits:
        return ""
    rows = [(v.day, v.visit, v.host_name or v.host, f"{v.fit:.2f}", v.why) for v in visits]
    return "<h3>Study visits (whole group)</h3>" + _table(
        ["day", "visit", "host", "fit", "why"], rows, {3}, nowrap={0}
    )


def _hosts(problem: Problem, allocation: Allocation) -> str:
    people = {p.id: p for p in problem.participants}
    rows = []
    for host in problem.hosts:
        teams = [t for t in allocation.teams if t.host == host.id]
        for t in teams:
            rows.append(
                (
                    host.name,
                    host.municipality,
                    f"{t.start}..{t.end}",
                    t.id,
                    t.cohort,
                    "; ".join(people[m].name if m in people else m for m in t.members),
                )
            )
    idle = [h.name for h in problem.hosts if all(t.host != h.id for t in allocation.teams)]
    note = f"<p class='muted'>Hosts receiving no team: {_e(', '.join(idle))}.</p>" if idle else ""
    return (
        "<h2>By host</h2>"
        + _table(
            ["host", "municipality", "dates", "team", "cohort", "members"], rows, set(), {2, 3}
        )
        + note
    )


def render_report(problem: Problem, allocation: Allocation) -> str:
    """The whole plan as one HTML document (UTF-8 text, no external resources, no scripts)."""
    e = explain(problem, allocation)
    body = (
        _overview(problem, allocation, e)
        + _score(e)
        + _charts(problem, allocation, e)
        + _cohorts(problem, allocation, e)
        + _hosts(problem, allocation)
        + "<p class='muted'>Made by icld-match from the problem and allocation files; "
        "fit = weighted share of the participants' themes the host can show.</p>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Internship plan</title><style>{_CSS}</style></head>"
        f"<body>{body}</body></html>\n"
    )
