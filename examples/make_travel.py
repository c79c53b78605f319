"""Build ``examples/data/itp-local-democracy-2026-travel.json``: the bundled example with
travel costs and a budget, for the travel demo.

The Local Democracy cohort is housed in Stockholm; every host gets the approximate
coordinates of its municipality's centre, so each team's return trip costs
2 x great-circle km x 1.3 x 3 SEK + 1000 SEK (the default travel settings). The cohort's
travel budget is 20,000 SEK. The bundled example itself stays without coordinates, so its
plan (and every number quoted from it) is unchanged.

Run ``python examples/make_travel.py``; it rewrites the file from the bundled example.
"""

from pathlib import Path

from icld_match import Problem
from icld_match.io.json_files import load_problem
from icld_match.records.schema import Base, Location

DATA = Path(__file__).parent / "data"
BASE = DATA / "itp-local-democracy-2026.json"
OUT = DATA / "itp-local-democracy-2026-travel.json"

STOCKHOLM = Base(name="Stockholm", lat=59.33, lon=18.07)
BUDGET = 20_000.0
#: Approximate coordinates (lat, lon) of each host municipality's centre.
COORDINATES = {
    "umea": (63.83, 20.26),
    "lund": (55.70, 13.19),
    "malmo": (55.60, 13.00),
    "goteborg": (57.71, 11.97),
    "uppsala": (59.86, 17.64),
    "vasteras": (59.61, 16.55),
    "orebro": (59.27, 15.21),
    "linkoping": (58.41, 15.62),
    "helsingborg": (56.05, 12.69),
    "jonkoping": (57.78, 14.16),
    "norrkoping": (58.59, 16.19),
    "boras": (57.72, 12.94),
    "gavle": (60.67, 17.14),
    "sundsvall": (62.39, 17.31),
    "karlstad": (59.38, 13.50),
    "vaxjo": (56.88, 14.81),
    "halmstad": (56.67, 12.86),
    "ostersund": (63.18, 14.64),
    "botkyrka": (59.20, 17.83),
    "lulea": (65.58, 22.15),
}


def make_problem() -> Problem:
    problem = load_problem(BASE)
    hosts = [
        h.model_copy(update={"location": Location(lat=lat, lon=lon)})
        for h in problem.hosts
        for lat, lon in [COORDINATES[h.id]]
    ]
    cohorts = [
        c.model_copy(update={"base": STOCKHOLM, "travel_budget": BUDGET}) for c in problem.cohorts
    ]
    return Problem.model_validate(
        problem.model_copy(update={"hosts": hosts, "cohorts": cohorts}).model_dump()
    )


def main() -> None:
    problem = make_problem()
    OUT.write_text(problem.model_dump_json(indent=2) + "\n", encoding="utf-8")
    assert Problem.model_validate_json(OUT.read_text(encoding="utf-8")) == problem
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
