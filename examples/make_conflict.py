"""Build a two-cohort May 2026 problem that has no valid allocation, for the diagnosis demo.

It adds a second cohort, ITP Gender Equality 2026 (fictional names), to the bundled Local
Democracy example, on the same internship days, so both cohorts compete for the same
hosts. Three of its participants work only in Ukrainian/Romanian and Russian and must be
in different teams; together with Olena Kovalenko of the first cohort they need four
teams at the three Russian-speaking hosts, each of which takes one team at a time.

Run ``python examples/make_conflict.py``; it rewrites
``examples/data/may-2026-two-cohorts.json`` from the bundled example.
"""

from pathlib import Path

from icld_match import Cohort, DateRange, KeepApart, Participant, Problem
from icld_match.io.json_files import load_problem

DATA = Path(__file__).parent / "data"
BASE = DATA / "itp-local-democracy-2026.json"
OUT = DATA / "may-2026-two-cohorts.json"

GENDER = Cohort(
    id="ITP-GE-2026",
    name="ITP Gender Equality 2026",
    programme="International Training Programme: Gender Equality",
    internship=DateRange.model_validate({"start": "2026-05-13", "end": "2026-05-14"}),
)

PEOPLE = [  # id, name, country, organisation, languages, themes
    (
        "g01",
        "Oksana Shevchenko",
        "Ukraine",
        "Chernihiv Oblast Council",
        ["uk", "ru"],
        {"gender-mainstreaming": 1.0, "social-services": 0.6},
    ),
    (
        "g02",
        "Iryna Melnyk",
        "Ukraine",
        "Chernihiv Oblast Council",
        ["uk", "ru"],
        {"gender-mainstreaming": 0.8, "public-health": 0.7},
    ),
    (
        "g03",
        "Natalia Rusu",
        "Moldova",
        "Chernihiv Oblast Council",
        ["ro", "ru"],
        {"gender-mainstreaming": 1.0, "youth-participation": 0.5},
    ),
    (
        "g04",
        "Grace Akinyi",
        "Kenya",
        "Homa Bay County",
        ["en", "sw"],
        {"gender-mainstreaming": 1.0},
    ),
    (
        "g05",
        "Tumelo Sello",
        "Botswana",
        "Gaborone City Council",
        ["en"],
        {"social-services": 1.0, "gender-mainstreaming": 0.5},
    ),
    (
        "g06",
        "Rina Wulandari",
        "Indonesia",
        "Makassar City",
        ["en", "id"],
        {"gender-mainstreaming": 0.9, "citizen-dialogue": 0.6},
    ),
    (
        "g07",
        "Ayşe Demir",
        "Türkiye",
        "Izmir Metropolitan Municipality",
        ["en", "tr"],
        {"gender-mainstreaming": 1.0, "integration": 0.6},
    ),
    (
        "g08",
        "Milica Jovanović",
        "Serbia",
        "Kragujevac City",
        ["en", "sr"],
        {"gender-mainstreaming": 0.8, "youth-participation": 0.7},
    ),
]


def build() -> Problem:
    base = load_problem(BASE)
    people = [
        Participant(
            id=pid,
            name=name,
            cohort=GENDER.id,
            country=country,
            organisation=org,
            languages=langs,
            themes=themes,
        )
        for pid, name, country, org, langs, themes in PEOPLE
    ]
    apart = KeepApart(
        members=["g01", "g02", "g03"],
        reason="Three deputies of one council: one host each, to widen contacts.",
    )
    return base.model_copy(
        update={
            "cohorts": [*base.cohorts, GENDER],
            "participants": [*base.participants, *people],
            "keep_apart": [*base.keep_apart, apart],
        }
    )


if __name__ == "__main__":
    problem = Problem.model_validate(build().model_dump())  # re-validate the whole
    OUT.write_text(problem.model_dump_json(indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")
