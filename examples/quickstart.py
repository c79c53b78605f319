"""Quickstart: plan the internship teams of a small, made-up cohort (names are fictional).

Run with ``PYTHONPATH=src python examples/quickstart.py``.
"""

from datetime import date

from icld_match import Capacity, Cohort, DateRange, Host, Participant, Problem, check, solve

cohort = Cohort(
    id="ITP-2026",
    name="ITP Local Democracy 2026",
    internship=DateRange(start=date(2026, 5, 13), end=date(2026, 5, 14)),
)

people = [  # (name, country, themes)
    ("Wanjiru Kamau", "Kenya", {"citizen-dialogue": 1.0}),
    ("Otieno Ochieng", "Kenya", {"waste-management": 1.0}),
    ("Neema Mushi", "Tanzania", {"citizen-dialogue": 0.8, "youth-participation": 0.6}),
    ("Siti Rahmawati", "Indonesia", {"waste-management": 0.9}),
    ("Agus Setiawan", "Indonesia", {"digital-services": 0.9}),
    ("Jelena Marković", "Serbia", {"youth-participation": 0.8}),
    ("Arta Krasniqi", "Kosovo", {"gender-mainstreaming": 0.9}),
    ("Nomvula Dlamini", "South Africa", {"climate-adaptation": 1.0}),
]
participants = [
    Participant(
        id=f"p{i}", name=name, cohort=cohort.id, country=country, languages=["en"], themes=themes
    )
    for i, (name, country, themes) in enumerate(people, 1)
]

hosts = [
    Host(
        id="umea",
        name="Umeå kommun",
        municipality="Umeå",
        languages=["en"],
        themes={"gender-mainstreaming": 1.0, "citizen-dialogue": 0.6},
    ),
    Host(
        id="boras",
        name="Borås stad",
        municipality="Borås",
        languages=["en"],
        themes={"waste-management": 1.0},
    ),
    Host(
        id="malmo",
        name="Malmö stad",
        municipality="Malmö",
        languages=["en"],
        themes={"climate-adaptation": 0.9, "youth-participation": 0.5},
        capacity=Capacity(max_teams=2, max_participants=8),
    ),
    Host(
        id="helsingborg",
        name="Helsingborgs stad",
        municipality="Helsingborg",
        languages=["en"],
        themes={"digital-services": 1.0},
        available=[DateRange(start=date(2026, 9, 14), end=date(2026, 9, 25))],
    ),  # autumn only
]

problem = Problem(cohorts=[cohort], participants=participants, hosts=hosts)
allocation = solve(problem, time_limit=10, seed=0)
print(allocation.summary(problem))
violations = check(problem, allocation)  # hard-rule breaches; empty means valid
print(f"\ncheck: {len(violations)} violation(s)")
for violation in violations:
    print(" -", violation)
