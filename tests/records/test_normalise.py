"""Countries and languages get one spelling; mistyped ids get a suggestion."""

from __future__ import annotations

import pytest
from conftest import host, participant, tiny_problem

from icld_match import solve
from icld_match.records.normalise import (
    canonical_country,
    canonical_language,
    did_you_mean,
    normalise_country,
    normalise_languages,
)

PARTNERS = {
    "Kenya": ["KE", "kenya ", "KEN", "Republic of Kenya"],
    "Tanzania": ["TZ", "Tanzania, United Republic of", "tanzania"],
    "Uganda": ["UG"],
    "Zambia": ["ZM"],
    "Botswana": ["BW"],
    "South Africa": ["ZA", "south africa"],
    "Indonesia": ["ID"],
    "Ukraine": ["UA"],
    "Moldova": ["MD", "Moldova, Republic of"],
    "Serbia": ["RS"],
    "Kosovo": ["XK", "kosovo"],
    "North Macedonia": ["MK", "Macedonia"],
    "Bosnia and Herzegovina": ["BA", "Bosnia"],
    "Türkiye": ["TR", "Turkey", "turkiye"],
}


@pytest.mark.parametrize("canonical", PARTNERS)
def test_partner_countries_have_one_name(canonical: str) -> None:
    assert canonical_country(canonical) == canonical
    for spelling in PARTNERS[canonical]:
        assert canonical_country(spelling) == canonical, spelling


def test_unknown_country_is_kept_as_typed() -> None:
    assert canonical_country("Atlantis") is None
    assert normalise_country(" Atlantis ") == "Atlantis"


def test_languages_become_iso_639_1() -> None:
    assert canonical_language("English") == canonical_language("EN") == "en"
    assert canonical_language("eng") == canonical_language("en-GB") == "en"
    assert canonical_language("Kiswahili") == canonical_language("Swahili") == "sw"
    assert canonical_language("Bahasa Indonesia") == "id"
    assert canonical_language("Ukrainian") == "uk" and canonical_language("Romanian") == "ro"
    assert canonical_language("Klingon-ish") is None


def test_normalise_languages_drops_duplicates_and_reports_unknown() -> None:
    assert normalise_languages(["English", "en", "Russian", "Plain-Swedish"]) == (
        ["en", "ru", "plain-swedish"],
        ["Plain-Swedish"],
    )


def test_did_you_mean() -> None:
    hosts = ["umea", "malmo", "goteborg"]
    assert did_you_mean("umeaa", hosts) == "umea"
    assert did_you_mean("MALMO", hosts) == "malmo"
    assert did_you_mean("stockholm", hosts) is None


# --------------------------------------------------------------------------------------
# The schema applies the normalisation to every problem, JSON or Python
# --------------------------------------------------------------------------------------


def test_three_spellings_of_kenya_are_one_country_in_a_team() -> None:
    problem = tiny_problem(
        participants=[
            participant("P1", country="Kenya"),
            participant("P2", country="kenya "),
            participant("P3", country="KE"),
        ],
        hosts=[host("H1")],
    )
    assert {p.country for p in problem.participants} == {"Kenya"}
    plan = solve(problem, time_limit=10, workers=1)
    assert plan.is_feasible() and len(plan.teams) == 1
    assert plan.term("country_mix").value == 0  # one country, not three


def test_language_names_meet_codes() -> None:
    problem = tiny_problem(
        participants=[
            participant("P1", languages=["English"]),
            participant("P2", languages=["en-GB", "Kiswahili"]),
        ],
        hosts=[host("H1", languages=["EN", "sv"])],
    )
    assert [p.languages for p in problem.participants] == [["en"], ["en", "sw"]]
    assert problem.hosts[0].languages == ["en", "sv"]
    assert solve(problem, time_limit=10, workers=1).is_feasible()


def test_unknown_language_tag_is_kept() -> None:
    problem = tiny_problem(
        participants=[participant("P1", languages=["plain-swedish"]), participant("P2")],
        hosts=[host("H1", languages=["Plain-Swedish", "en"])],
    )
    assert problem.participants[0].languages == ["plain-swedish"]
    assert problem.hosts[0].languages == ["Plain-Swedish", "en"]  # tags ignore case
