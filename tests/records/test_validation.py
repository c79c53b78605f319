"""Input validation: field errors (pydantic, schema.py) and cross-record errors
(validation.py), each reported as one ProblemError whose issues name record and field."""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable
from typing import Any

import pytest
from conftest import cohort, host, participant, problem_data
from pydantic import ValidationError

from icld_match import Problem, ProblemError, ProblemIssue
from icld_match.io.json_files import problem_from_json
from icld_match.records.schema import MAX_COUNT

# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def to_json(data: Any) -> str:
    """JSON text as a file would hold it (dates as ISO strings, NaN/Infinity literals)."""
    return json.dumps(data, default=str, indent=2)


def parse_problem(data: Any) -> Problem:
    return Problem.model_validate(data)


def issues_of(data: Any) -> list[ProblemIssue]:
    with pytest.raises(ProblemError) as caught:
        parse_problem(data)
    return caught.value.issues


def json_issues_of(text: str | bytes) -> list[ProblemIssue]:
    with pytest.raises(ProblemError) as caught:
        problem_from_json(text)
    return caught.value.issues


#: (record, field, fragment of the message)
Expected = tuple[str, str, str]


def assert_issues(issues: list[ProblemIssue], *expected: Expected) -> None:
    """Exactly the expected issues, in any order: each names its record and field."""
    remaining = list(issues)
    for record, field, fragment in expected:
        match = next(
            (
                i
                for i in remaining
                if i.record == record and i.field == field and fragment in i.message
            ),
            None,
        )
        assert match is not None, f"no issue {record}.{field} ~ {fragment!r} in {issues}"
        remaining.remove(match)
        # the printed form (one CLI line) names record and field too
        assert str(match).startswith(f"{record}.{field}: " if field else f"{record}: ")
    assert not remaining, f"unexpected issues: {remaining}"


# --------------------------------------------------------------------------------------
# Cross-record errors, one kind at a time
# --------------------------------------------------------------------------------------

P = "participants"


def _p(i: int, pid: str) -> str:
    return f"participants[{i}] (id {pid!r})"


def _people(*specs: dict[str, Any]) -> list[dict[str, Any]]:
    """P1..P4 of cohort C1, the i-th updated with ``specs[i]``."""
    people = problem_data()["participants"]
    for person, spec in zip(people, specs, strict=False):
        person.update(spec)
    return people


CROSS_RECORD_CASES: dict[str, tuple[dict[str, Any], list[Expected]]] = {
    "duplicate cohort id": (
        {
            "cohorts": [cohort("C1"), cohort("C2"), cohort("C1")],
            P: _people({}, {}, {"cohort": "C2"}, {"cohort": "C2"}),
        },
        [
            ("cohorts[0] (id 'C1')", "id", "duplicate id 'C1'"),
            ("cohorts[2] (id 'C1')", "id", "duplicate id 'C1'"),
        ],
    ),
    "duplicate participant id": (
        {P: _people({}, {}, {}, {"id": "P2"})},
        [
            (_p(1, "P2"), "id", "duplicate id 'P2'"),
            (_p(3, "P2"), "id", "duplicate id 'P2'"),
        ],
    ),
    "duplicate host id": (
        {"hosts": [host("H1"), host("H2"), host("H2")]},
        [
            ("hosts[1] (id 'H2')", "id", "duplicate id 'H2'"),
            ("hosts[2] (id 'H2')", "id", "duplicate id 'H2'"),
        ],
    ),
    "unknown cohort": (
        {P: _people({}, {}, {"cohort": "C9"})},
        [(_p(2, "P3"), "cohort", "unknown cohort 'C9'")],
    ),
    "unknown wished host": (
        {P: _people({"wishes": ["H1", "H9"]})},
        [(_p(0, "P1"), "wishes", "unknown host 'H9'")],
    ),
    "host wished twice": (
        {P: _people({}, {"wishes": ["H2", "H1", "H2"]})},
        [(_p(1, "P2"), "wishes", "host 'H2' listed twice")],
    ),
    "unknown blocked host": (
        {P: _people({}, {}, {}, {"blocked_hosts": ["H7"]})},
        [(_p(3, "P4"), "blocked_hosts", "unknown host 'H7'")],
    ),
    "host wished and blocked": (
        {P: _people({"wishes": ["H2", "H1"], "blocked_hosts": ["H1"]})},
        [(_p(0, "P1"), "wishes", "host 'H1' is both wished for and blocked")],
    ),
    "cohort without participants": (
        {"cohorts": [cohort("C1"), cohort("C2")]},
        [("cohorts[1] (id 'C2')", "id", "cohort has no participants")],
    ),
    "pin to unknown participant": (
        {"pins": [{"participant": "P9", "host": "H1"}]},
        [("pins[0]", "participant", "unknown participant 'P9'")],
    ),
    "pin to unknown host": (
        {"pins": [{"participant": "P1", "host": "H1"}, {"participant": "P2", "host": "H9"}]},
        [("pins[1]", "host", "unknown host 'H9'")],
    ),
    "participant pinned to two hosts": (
        {"pins": [{"participant": "P1", "host": "H1"}, {"participant": "P1", "host": "H2"}]},
        [("pins[1]", "participant", "'P1' is pinned to both 'H1' and 'H2'")],
    ),
    "keep_together unknown member": (
        {"keep_together": [{"members": ["P1", "P8"]}]},
        [("keep_together[0]", "members", "unknown participant 'P8'")],
    ),
    "keep_together repeated member": (
        {"keep_together": [{"members": ["P1", "P2"]}, {"members": ["P3", "P3"]}]},
        [("keep_together[1]", "members", "participant 'P3' listed twice")],
    ),
    "keep_apart unknown member": (
        {"keep_apart": [{"members": ["P8", "P1", "P9"]}]},
        [
            ("keep_apart[0]", "members", "unknown participant 'P8'"),
            ("keep_apart[0]", "members", "unknown participant 'P9'"),
        ],
    ),
    "keep_apart repeated member": (
        {"keep_apart": [{"members": ["P1", "P2", "P1"]}]},
        [("keep_apart[0]", "members", "participant 'P1' listed twice")],
    ),
    "keep_together across cohorts": (
        {
            "cohorts": [cohort("C1"), cohort("C2")],
            P: _people({}, {}, {"cohort": "C2"}, {"cohort": "C2"}),
            "keep_together": [{"members": ["P1", "P3"]}],
        },
        [("keep_together[0]", "members", "members come from different cohorts (C1, C2)")],
    ),
    "affinity for unknown participant": (
        {"affinities": [{"participant": "P9", "host": "H1", "value": 0.5}]},
        [("affinities[0]", "participant", "unknown participant 'P9'")],
    ),
    "affinity for unknown host": (
        {"affinities": [{"participant": "P1", "host": "H9", "value": 0.5}]},
        [("affinities[0]", "host", "unknown host 'H9'")],
    ),
    "duplicate affinity": (
        {
            "affinities": [
                {"participant": "P1", "host": "H1", "value": 0.5},
                {"participant": "P1", "host": "H2", "value": 0.5},
                {"participant": "P1", "host": "H1", "value": 0.9},
            ]
        },
        [("affinities[2]", "host", "second affinity for ('P1', 'H1')")],
    ),
    "participant tags twice ignoring case": (
        {
            P: _people(
                {"languages": ["en", "EN"]},
                {"themes": {"Water": 1.0, "water": 0.5}},
                {"access_needs": ["step-free", "Step-Free"]},
            )
        },
        [
            (_p(0, "P1"), "languages", "tag 'en' listed twice (tags ignore case)"),
            (_p(1, "P2"), "themes", "tag 'water' listed twice"),
            (_p(2, "P3"), "access_needs", "tag 'step-free' listed twice"),
        ],
    ),
    "host tags twice ignoring case": (
        {
            "hosts": [
                host("H1", languages=["sv", "en", "Sv"]),
                host("H2", themes={"Parks": 1.0, "PARKS": 0.2}, accessibility=["lift", "Lift"]),
            ]
        },
        [
            ("hosts[0] (id 'H1')", "languages", "tag 'sv' listed twice"),
            ("hosts[1] (id 'H2')", "themes", "tag 'parks' listed twice"),
            ("hosts[1] (id 'H2')", "accessibility", "tag 'lift' listed twice"),
        ],
    ),
}

PARSERS: dict[str, Callable[[dict[str, Any]], object]] = {
    "parse_problem": parse_problem,
    "model_validate": Problem.model_validate,
    "from_json": lambda data: problem_from_json(to_json(data)),
}


def test_baseline_problem_is_valid() -> None:
    problem = parse_problem(problem_data())
    assert [p.id for p in problem.participants] == ["P1", "P2", "P3", "P4"]


@pytest.mark.parametrize("case", CROSS_RECORD_CASES)
def test_cross_record_error_names_record_and_field(case: str) -> None:
    overrides, expected = CROSS_RECORD_CASES[case]
    assert_issues(issues_of(problem_data(**copy.deepcopy(overrides))), *expected)


@pytest.mark.parametrize("parser", PARSERS)
def test_every_cross_record_error_is_reported_in_one_error(parser: str) -> None:
    """One problem holding every kind of cross-record error at once."""
    data = problem_data(
        cohorts=[cohort("C1"), cohort("C2"), cohort("C1"), cohort("C3")],
        participants=[
            participant("P1", languages=["en", "En"]),
            participant("P2", wishes=["H9", "H2"], blocked_hosts=["H2", "H8"]),
            participant("P3", cohort="C2"),
            participant("P4", cohort="C2"),
            participant("P4", cohort="C7"),
        ],
        hosts=[host("H1"), host("H2"), host("H1", accessibility=["lift", "LIFT"])],
        pins=[
            {"participant": "P1", "host": "H1"},
            {"participant": "P1", "host": "H2"},
            {"participant": "P6", "host": "H6"},
        ],
        keep_together=[{"members": ["P1", "P3"]}, {"members": ["P2", "P2", "P5"]}],
        keep_apart=[{"members": ["P1", "P0", "P1"]}],
        affinities=[
            {"participant": "P1", "host": "H2", "value": 0.1},
            {"participant": "P1", "host": "H2", "value": 0.2},
            {"participant": "Px", "host": "Hx", "value": 0.3},
        ],
    )
    expected: list[Expected] = [
        ("cohorts[0] (id 'C1')", "id", "duplicate id 'C1'"),
        ("cohorts[2] (id 'C1')", "id", "duplicate id 'C1'"),
        ("cohorts[3] (id 'C3')", "id", "cohort has no participants"),
        (_p(3, "P4"), "id", "duplicate id 'P4'"),
        (_p(4, "P4"), "id", "duplicate id 'P4'"),
        ("hosts[0] (id 'H1')", "id", "duplicate id 'H1'"),
        ("hosts[2] (id 'H1')", "id", "duplicate id 'H1'"),
        (_p(0, "P1"), "languages", "tag 'en' listed twice"),
        (_p(1, "P2"), "wishes", "unknown host 'H9'"),
        (_p(1, "P2"), "blocked_hosts", "unknown host 'H8'"),
        (_p(1, "P2"), "wishes", "host 'H2' is both wished for and blocked"),
        (_p(4, "P4"), "cohort", "unknown cohort 'C7'"),
        ("hosts[2] (id 'H1')", "accessibility", "tag 'lift' listed twice"),
        ("pins[1]", "participant", "'P1' is pinned to both 'H1' and 'H2'"),
        ("pins[2]", "participant", "unknown participant 'P6'"),
        ("pins[2]", "host", "unknown host 'H6'"),
        ("keep_together[0]", "members", "different cohorts (C1, C2)"),
        ("keep_together[1]", "members", "unknown participant 'P5'"),
        ("keep_together[1]", "members", "participant 'P2' listed twice"),
        ("keep_apart[0]", "members", "unknown participant 'P0'"),
        ("keep_apart[0]", "members", "participant 'P1' listed twice"),
        ("affinities[1]", "host", "second affinity for ('P1', 'H2')"),
        ("affinities[2]", "participant", "unknown participant 'Px'"),
        ("affinities[2]", "host", "unknown host 'Hx'"),
    ]
    with pytest.raises(ProblemError) as caught:
        PARSERS[parser](data)
    assert len(caught.value.issues) == len(expected) == 24
    assert_issues(caught.value.issues, *expected)
    text = str(caught.value)
    assert text.startswith("24 problems in the input:\n")
    assert all(f"  {issue}" in text.splitlines() for issue in caught.value.issues)


def test_keep_apart_may_span_cohorts() -> None:
    data = problem_data(
        cohorts=[cohort("C1"), cohort("C2")],
        participants=_people({}, {}, {"cohort": "C2"}, {"cohort": "C2"}),
        keep_apart=[{"members": ["P1", "P3"]}],
    )
    assert parse_problem(data).keep_apart[0].members == ["P1", "P3"]


def test_same_tag_on_different_records_is_fine() -> None:
    data = problem_data(
        participants=_people({"languages": ["en", "sv"]}, {"languages": ["EN", "SV"]}),
        hosts=[host("H1", languages=["en", "sv"]), host("H2", languages=["En"])],
    )
    parse_problem(data)


# --------------------------------------------------------------------------------------
# Field errors (pydantic), reported by record label and field path
# --------------------------------------------------------------------------------------


def _weights(**weights: float) -> dict[str, Any]:
    return {"weights": weights}


FIELD_CASES: dict[str, tuple[dict[str, Any], list[Expected]]] = {
    "negative weight": (
        _weights(wishes=-0.5),
        [("weights", "wishes", "should be greater than or equal to 0 (got -0.5)")],
    ),
    "infinite weight": (
        _weights(country_mix=math.inf),
        [("weights", "country_mix", "finite number")],
    ),
    "unknown weight": (
        _weights(speed=1.0),
        [("weights", "speed", "Extra inputs are not permitted")],
    ),
    "negative theme weight": (
        {P: _people({"themes": {"water": -1.0, "parks": 1.0}})},
        [(_p(0, "P1"), "themes", "theme weights must be >= 0 (negative: water)")],
    ),
    "NaN theme weight": (
        {P: _people({}, {"themes": {"water": math.nan}})},
        [(_p(1, "P2"), "themes['water']", "finite number")],
    ),
    "host theme strength above 1": (
        {"hosts": [host("H1"), host("H2", themes={"parks": 1.5, "water": 1.0})]},
        [("hosts[1] (id 'H2')", "themes", "strengths must lie in [0, 1] (out of range: parks)")],
    ),
    "team size min above max": (
        {"cohorts": [cohort(team_size=(5, 3))]},
        [("cohorts[0] (id 'C1')", "team_size", "min 5 is larger than max 3")],
    ),
    "team size min 0": (
        {"cohorts": [cohort(team_size=(0, 3))]},
        [("cohorts[0] (id 'C1')", "team_size.min", "greater than or equal to 1 (got 0)")],
    ),
    "team size beyond MAX_COUNT": (
        {"cohorts": [cohort(team_size=(2, 2**63))]},
        [("cohorts[0] (id 'C1')", "team_size.max", f"less than or equal to {MAX_COUNT}")],
    ),
    "capacity beyond MAX_COUNT": (
        {
            "hosts": [
                host("H1", capacity={"max_teams": 10**30}),
                host("H2", season_max_teams=10**19),
            ]
        },
        [
            ("hosts[0] (id 'H1')", "capacity.max_teams", "less than or equal to"),
            ("hosts[1] (id 'H2')", "season_max_teams", "less than or equal to"),
        ],
    ),
    "internship ends before it starts": (
        {"cohorts": [cohort(start="2026-05-05", end="2026-05-04")]},
        [("cohorts[0] (id 'C1')", "internship", "end 2026-05-04 is before start 2026-05-05")],
    ),
    "availability ends before it starts": (
        {
            "hosts": [
                host("H1"),
                host("H2", available=[{"start": "2026-05-01", "end": "2026-04-01"}]),
            ]
        },
        [("hosts[1] (id 'H2')", "available[0]", "is before start")],
    ),
    "impossible date": (
        {"cohorts": [cohort(start="2026-02-30")]},
        [("cohorts[0] (id 'C1')", "internship.start", "expected a date in the form YYYY-MM-DD")],
    ),
    "missing required field": (
        {P: [participant(f"p0{i}") for i in range(1, 4)] + [{"id": "p04", "cohort": "C1"}]},
        [
            ("participants[3] (id 'p04')", "name", "Field required"),
            ("participants[3] (id 'p04')", "country", "Field required"),
            ("participants[3] (id 'p04')", "languages", "Field required"),
        ],
    ),
    "missing id": (
        {"hosts": [host("H1"), {"name": "No id", "municipality": "X", "languages": ["en"]}]},
        [("hosts[1]", "id", "Field required")],
    ),
    "empty languages": (
        {P: _people({}, {}, {}, {"languages": []})},
        [(_p(3, "P4"), "languages", "at least 1 item")],
    ),
    "id with surrounding spaces": (
        {P: _people({"id": " P1"})},
        [("participants[0] (id ' P1')", "id", "no spaces at either end")],
    ),
    "unknown field in a record": (
        {P: _people({}, {"nickname": "Pat"})},
        [(_p(1, "P2"), "nickname", "Extra inputs are not permitted")],
    ),
    "unknown top-level field": (
        {"colour": "blue"},
        [("colour", "", "Extra inputs are not permitted")],
    ),
    "affinity value above 1": (
        {"affinities": [{"participant": "P1", "host": "H1", "value": 1.5}]},
        [("affinities[0]", "value", "less than or equal to 1")],
    ),
    "unknown rule strictness": (
        {"rules": {"mixed_countries": "sometimes"}},
        [("rules", "mixed_countries", "'off', 'soft' or 'hard'")],
    ),
    "unsupported schema version": (
        {"schema_version": 2},
        [("schema_version", "", "should be 1")],
    ),
    "no cohorts": ({"cohorts": []}, [("cohorts", "", "at least 1 item")]),
    "no participants": ({P: []}, [("participants", "", "at least 1 item")]),
    "no hosts": ({"hosts": []}, [("hosts", "", "at least 1 item")]),
    "list given as a string": (
        {"hosts": "H1"},
        [("hosts", "", "expected a JSON list")],
    ),
}


@pytest.mark.parametrize("case", FIELD_CASES)
def test_field_error_names_record_and_field(case: str) -> None:
    overrides, expected = FIELD_CASES[case]
    data = problem_data(**copy.deepcopy(overrides))
    assert_issues(issues_of(data), *expected)


@pytest.mark.parametrize("case", ["no cohorts", "missing required field", "team size min 0"])
def test_field_errors_are_the_same_from_json_text(case: str) -> None:
    overrides, expected = FIELD_CASES[case]
    text = to_json(problem_data(**copy.deepcopy(overrides)))
    assert_issues(json_issues_of(text), *expected)
    assert_issues(json_issues_of(text.encode()), *expected)


def test_nan_weight_in_json_text_is_rejected() -> None:
    text = to_json(problem_data(weights={"thematic_fit": math.nan, "wishes": math.inf}))
    assert '"thematic_fit": NaN' in text  # Python's json writes and reads these literals
    assert '"wishes": Infinity' in text
    assert_issues(
        json_issues_of(text),
        ("weights", "thematic_fit", "expected a finite number (got nan)"),
        ("weights", "wishes", "expected a finite number (got inf)"),
    )


def test_nan_host_strength_in_json_text_is_rejected() -> None:
    text = to_json(problem_data(hosts=[host("H1", themes={"parks": math.nan}), host("H2")]))
    issues = json_issues_of(text)
    assert len(issues) >= 1
    assert all(i.record == "hosts[0] (id 'H1')" and i.field.startswith("themes") for i in issues)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('{\n  "cohorts": [,]\n}', "line 2 column 15"),
        ('{"cohorts": [], }', "line 1 column 17"),
        ("", "line 1 column 1"),
        ('{\n\n  "hosts": [1 2]}', "line 3 column 15"),
    ],
)
def test_bad_json_syntax_names_line_and_column(text: str, field: str) -> None:
    (issue,) = json_issues_of(text)
    assert (issue.record, issue.field) == ("input", "")
    assert issue.message.startswith(f"not valid JSON at {field}: ")
    assert str(issue) == f"input: {issue.message}"


def test_json_nested_too_deeply_is_an_input_error() -> None:
    (issue,) = json_issues_of("[" * 100_000 + "]" * 100_000)
    assert (issue.record, issue.field) == ("input", "")
    assert "nested too deeply" in issue.message


def test_json_of_the_wrong_shape_names_the_problem() -> None:
    (issue,) = json_issues_of("[]")
    assert issue.record == "problem"
    assert issue.message == "expected a JSON object {...} (got [])"


def test_record_of_the_wrong_type_is_labelled_by_index() -> None:
    issues = issues_of(problem_data(participants=["P1", *_people()[1:]], hosts=[None]))
    assert_issues(
        issues,
        ("participants[0]", "", "expected a JSON object"),
        ("hosts[0]", "", "expected a JSON object"),
    )


def test_several_field_errors_are_reported_at_once() -> None:
    people = [participant(f"p0{i}") for i in range(1, 6)]
    people[3] = {k: v for k, v in people[3].items() if k != "country"}
    people[1]["favourite_colour"] = "green"
    people[4]["themes"] = {"water": -2.0}
    data = problem_data(
        cohorts=[cohort(team_size=(5, 3), start="2026-05-05", end="2026-05-04")],
        participants=people,
        hosts=[host("H1"), host("H2", themes={"parks": 1.2})],
        weights={"thematic_fit": math.nan, "organisation": -1},
    )
    text = to_json(data)
    assert "NaN" in text
    issues = json_issues_of(text)
    assert len(issues) == 8
    assert_issues(
        issues,
        ("cohorts[0] (id 'C1')", "team_size", "min 5 is larger than max 3"),
        ("cohorts[0] (id 'C1')", "internship", "is before start"),
        ("participants[1] (id 'p02')", "favourite_colour", "Extra inputs"),
        ("participants[3] (id 'p04')", "country", "Field required"),
        ("participants[4] (id 'p05')", "themes", "negative: water"),
        ("hosts[1] (id 'H2')", "themes", "out of range: parks"),
        ("weights", "thematic_fit", "finite number"),
        ("weights", "organisation", "greater than or equal to 0"),
    )
    with pytest.raises(ProblemError) as caught:
        problem_from_json(text)
    assert str(caught.value).startswith("8 problems in the input:\n")


def test_field_and_cross_record_errors_are_reported_together() -> None:
    """Cross-record checks run over the records that pass their field checks, in the
    same run as the field errors (they used to wait until the fields were fixed)."""
    data = problem_data(
        participants=_people({"cohort": "C9"}, {"languages": []}),
    )
    assert_issues(
        issues_of(data),
        (_p(1, "P2"), "languages", "at least 1 item"),
        (_p(0, "P1"), "cohort", "unknown cohort 'C9'"),
    )


def test_single_issue_error_message() -> None:
    error = ProblemError.single("--seed", "", "must be small")
    assert str(error) == "1 problem in the input:\n  --seed: must be small"
    assert str(ProblemIssue("hosts[0] (id 'H1')", "languages", "x")) == (
        "hosts[0] (id 'H1').languages: x"
    )


# --------------------------------------------------------------------------------------
# Parsing leaves the input alone; the problem cannot be changed afterwards
# --------------------------------------------------------------------------------------


def _rich_data() -> dict[str, Any]:
    return problem_data(
        participants=_people(
            {"themes": {"water": 1.0}, "wishes": ["H1"], "access_needs": ["lift"]},
            {"organisation": "Kisumu", "blocked_hosts": ["H1"]},
        ),
        hosts=[
            host("H1", themes={"water": 0.5}, accessibility=["lift"]),
            host("H2", available=[{"start": "2026-05-01", "end": "2026-05-31"}]),
        ],
        pins=[{"participant": "P1", "host": "H1"}],
        keep_together=[{"members": ["P1", "P3"]}],
        keep_apart=[{"members": ["P2", "P4"]}],
        affinities=[{"participant": "P2", "host": "H2", "value": 0.25}],
        rules={"organisation": "together"},
        weights={"wishes": 2.0},
    )


@pytest.mark.parametrize("parser", ["parse_problem", "model_validate"])
def test_parsing_does_not_modify_the_input(parser: str) -> None:
    data = _rich_data()
    before = copy.deepcopy(data)
    problem = PARSERS[parser](data)
    assert data == before
    # nor does the problem share mutable lists or dicts with the input
    data["participants"][0]["languages"].append("fr")
    data["participants"][0]["themes"]["parks"] = 1.0
    data["keep_together"][0]["members"].append("P4")
    assert isinstance(problem, Problem)
    assert problem.participants[0].languages == ["en"]
    assert problem.participants[0].themes == {"water": 1.0}
    assert problem.keep_together[0].members == ["P1", "P3"]


def test_failed_parsing_does_not_modify_the_input() -> None:
    data = _rich_data()
    data["weights"]["thematic_fit"] = -1.0
    data["participants"][2]["cohort"] = "C9"
    before = copy.deepcopy(data)
    issues_of(data)
    assert data == before
    data["weights"]["thematic_fit"] = 1.0
    issues_of(data)  # now the cross-record error
    before["weights"]["thematic_fit"] = 1.0
    assert data == before


def test_problem_round_trips_through_its_json() -> None:
    problem = parse_problem(_rich_data())
    assert problem_from_json(problem.to_json()) == problem


@pytest.mark.parametrize(
    ("target", "field", "value"),
    [
        (lambda p: p, "weights", {}),
        (lambda p: p, "participants", []),
        (lambda p: p.weights, "thematic_fit", 2.0),
        (lambda p: p.participants[0], "name", "Someone else"),
        (lambda p: p.cohorts[0].internship, "start", "2026-01-01"),
        (lambda p: p.cohorts[0].team_size, "max", 10),
        (lambda p: p.hosts[0].capacity, "max_teams", 5),
        (lambda p: p.rules, "organisation", "neutral"),
        (lambda p: p.pins[0], "host", "H2"),
    ],
)
def test_problem_is_frozen(target: Callable[[Problem], Any], field: str, value: Any) -> None:
    problem = parse_problem(_rich_data())
    record = target(problem)
    before = getattr(record, field)
    with pytest.raises(ValidationError, match="frozen"):
        setattr(record, field, value)
    assert getattr(record, field) == before
