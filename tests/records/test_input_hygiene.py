"""Input hygiene found by an audit: control characters in text, theme tags with spaces
at either end, and field errors hiding cross-record errors until they are fixed.

Each test names the record and field of every issue, as a coordinator reads them.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import cohort, host, participant, problem_data

from icld_match import Allocation, Problem, ProblemError, ProblemIssue
from icld_match.index.problem_index import fit_matrix
from icld_match.io.json_files import problem_from_json

EXAMPLE = Path(__file__).parents[2] / "examples" / "data" / "itp-local-democracy-2026.json"


def example() -> dict[str, Any]:
    """The example problem as a plain dict, fresh on every call (the file is only read)."""
    data: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return data


def issues_of(data: Any) -> list[ProblemIssue]:
    with pytest.raises(ProblemError) as caught:
        Problem.model_validate(data)
    return caught.value.issues


def lines_of(data: Any) -> list[str]:
    return [str(issue) for issue in issues_of(data)]


def _p(i: int, pid: str) -> str:
    return f"participants[{i}] (id {pid!r})"


# --------------------------------------------------------------------------------------
# Defect 1: control characters in text fields
# --------------------------------------------------------------------------------------

BELL = "\x07"
OFFER = {"capacity": 30, "themes": {"water": 1.0}}


def _set(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value


#: (path in problem_data(), value with a bell in it, record, field, where in the field)
TEXT_FIELDS: dict[str, tuple[tuple[Any, ...], Any, str, str, str]] = {
    "participant name": (("participants", 1, "name"), f"Per{BELL}son", _p(1, "P2"), "name", ""),
    "participant id": (("participants", 1, "id"), f"P{BELL}2", _p(1, f"P{BELL}2"), "id", ""),
    "participant cohort": (("participants", 1, "cohort"), f"C{BELL}1", _p(1, "P2"), "cohort", ""),
    "country": (("participants", 1, "country"), f"Ken{BELL}ya", _p(1, "P2"), "country", ""),
    "organisation": (
        ("participants", 1, "organisation"),
        f"Kisumu{BELL}",
        _p(1, "P2"),
        "organisation",
        "",
    ),
    "gender": (("participants", 1, "gender"), f"f{BELL}", _p(1, "P2"), "gender", ""),
    "home municipality": (
        ("participants", 1, "home_municipality"),
        f"Kisumu{BELL}",
        _p(1, "P2"),
        "home_municipality",
        "",
    ),
    "participant language": (
        ("participants", 1, "languages"),
        ["en", f"s{BELL}w"],
        _p(1, "P2"),
        "languages",
        "item [1] ",
    ),
    "participant theme": (
        ("participants", 1, "themes"),
        {f"wa{BELL}ter": 1.0},
        _p(1, "P2"),
        "themes",
        "key 'wa\\x07ter' ",
    ),
    "access need": (
        ("participants", 1, "access_needs"),
        [f"lift{BELL}"],
        _p(1, "P2"),
        "access_needs",
        "item [0] ",
    ),
    "tied wish": (
        ("participants", 1, "wishes"),
        ["H1", ["H2", f"H{BELL}1"]],
        _p(1, "P2"),
        "wishes",
        "item [1][1] ",
    ),
    "blocked host": (
        ("participants", 1, "blocked_hosts"),
        [f"H{BELL}2"],
        _p(1, "P2"),
        "blocked_hosts",
        "item [0] ",
    ),
    "host name": (("hosts", 1, "name"), f"Bor{BELL}ås", "hosts[1] (id 'H2')", "name", ""),
    "municipality": (
        ("hosts", 1, "municipality"),
        f"Borås{BELL}",
        "hosts[1] (id 'H2')",
        "municipality",
        "",
    ),
    "region": (("hosts", 1, "region"), f"{BELL}Väst", "hosts[1] (id 'H2')", "region", ""),
    "host theme": (
        ("hosts", 1, "themes"),
        {f"water{BELL}": 1.0},
        "hosts[1] (id 'H2')",
        "themes",
        "key 'water\\x07' ",
    ),
    "accessibility": (
        ("hosts", 1, "accessibility"),
        [f"lift{BELL}"],
        "hosts[1] (id 'H2')",
        "accessibility",
        "item [0] ",
    ),
    "partners": (
        ("hosts", 1, "partners"),
        ["Kisumu", f"Ken{BELL}ya"],
        "hosts[1] (id 'H2')",
        "partners",
        "item [1] ",
    ),
    "group visit theme": (
        ("hosts", 1, "group_visits"),
        {"capacity": 30, "themes": {f"water{BELL}": 1.0}},
        "hosts[1] (id 'H2')",
        "group_visits.themes",
        "key 'water\\x07' ",
    ),
    "cohort name": (("cohorts", 0, "name"), f"ITP{BELL}", "cohorts[0] (id 'C1')", "name", ""),
    "programme": (
        ("cohorts", 0, "programme"),
        f"ITP{BELL}",
        "cohorts[0] (id 'C1')",
        "programme",
        "",
    ),
    "base name": (
        ("cohorts", 0, "base"),
        {"name": f"Visby{BELL}", "lat": 57.6, "lon": 18.3},
        "cohorts[0] (id 'C1')",
        "base.name",
        "",
    ),
    "study visit theme": (
        ("cohorts", 0, "study_visits"),
        [{"id": "v1", "themes": {f"water{BELL}": 1.0}}],
        "cohorts[0] (id 'C1')",
        "study_visits[0].themes",
        "key 'water\\x07' ",
    ),
    "keep_together reason": (
        ("keep_together",),
        [{"members": ["P1", "P2"], "reason": f"joint{BELL} project"}],
        "keep_together[0]",
        "reason",
        "",
    ),
    "keep_apart reason": (
        ("keep_apart",),
        [{"members": ["P1", "P3"], "reason": f"last{BELL} year"}],
        "keep_apart[0]",
        "reason",
        "",
    ),
    "pin": (
        ("pins",),
        [{"participant": f"P{BELL}1", "host": "H1"}],
        "pins[0]",
        "participant",
        "",
    ),
    "history season": (
        ("history",),
        [{"season": f"2025{BELL}", "host": "H1"}],
        "history[0]",
        "season",
        "",
    ),
    "history organisations": (
        ("history",),
        [{"season": "2025", "host": "H1", "organisations": [f"Kisumu{BELL}"]}],
        "history[0]",
        "organisations",
        "item [0] ",
    ),
    "hosts in use": (("hosts_in_use",), [f"H{BELL}3"], "hosts_in_use", "", "item [0] "),
}


@pytest.mark.parametrize("case", TEXT_FIELDS)
def test_control_character_in_any_text_field_is_rejected_naming_record_and_field(
    case: str,
) -> None:
    path, value, record, field, where = TEXT_FIELDS[case]
    data = problem_data()
    _set(data, path, value)
    issues = [i for i in issues_of(data) if "control character" in i.message]
    assert len(issues) == 1, issues
    assert (issues[0].record, issues[0].field) == (record, field)
    assert issues[0].message.startswith(f"{where}contains a control character (U+0007)")


def test_control_character_message_from_the_example() -> None:
    data = example()
    data["hosts"][1]["name"] = f"Lunds{BELL} kommun"
    assert lines_of(data) == [
        "hosts[1] (id 'lund').name: contains a control character (U+0007) (got 'Lunds\\x07 kommun')"
    ]


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x1f", "\x7f", "\x85", "\x9f", "\t", "\n", "\r"])
def test_every_control_character_is_refused_in_a_one_line_field(char: str) -> None:
    data = problem_data()
    data["participants"][0]["organisation"] = f"Kisumu{char}County"
    [issue] = issues_of(data)
    assert (issue.record, issue.field) == (_p(0, "P1"), "organisation")
    assert f"contains a control character (U+{ord(char):04X})" in issue.message


def test_a_weekday_with_a_control_character_is_refused_not_cleaned() -> None:
    data = problem_data(hosts=[host("H1", closed_weekdays=[" Sat ", "sun\x1f"]), host("H2")])
    [issue] = issues_of(data)
    assert (issue.record, issue.field) == ("hosts[0] (id 'H1')", "closed_weekdays[1]")
    assert issue.message.startswith("expected a weekday")


def test_a_reason_may_hold_tabs_and_line_breaks_but_no_other_control() -> None:
    reason = "Kisumu colleagues:\r\n\tjoint change project\nsolid waste"
    problem = Problem.model_validate(
        problem_data(keep_together=[{"members": ["P1", "P2"], "reason": reason}])
    )
    assert problem.keep_together[0].reason == reason  # kept exactly as written
    issues = issues_of(
        problem_data(
            keep_together=[{"members": ["P1", "P2"], "reason": "joint\x0bproject"}],
            keep_apart=[{"members": ["P1", "P3"], "reason": "last\x00year"}],
        )
    )
    assert [(i.record, i.field) for i in issues] == [
        ("keep_together[0]", "reason"),
        ("keep_apart[0]", "reason"),
    ]
    assert "U+000B" in issues[0].message
    assert "U+0000" in issues[1].message


def test_control_characters_from_json_text_are_rejected_too() -> None:
    data = problem_data(cohorts=[cohort(name="ITP\u0085")])
    with pytest.raises(ProblemError) as caught:
        problem_from_json(json.dumps(data, default=str))
    [issue] = caught.value.issues
    assert str(issue) == (
        "cohorts[0] (id 'C1').name: contains a control character (U+0085) (got 'ITP\\x85')"
    )


def test_an_allocation_refuses_control_characters_but_keeps_multiline_reasons() -> None:
    reasons = ["no host speaks sw:\n  P1, P2"]
    allocation = Allocation.model_validate({"status": "infeasible", "reasons": reasons})
    assert allocation.reasons == reasons
    with pytest.raises(ProblemError, match=r"contains a control character \(U\+0007\)"):
        Allocation.model_validate({"status": "infeasible", "strategy": f"exact{BELL}"})


# --------------------------------------------------------------------------------------
# Defect 2: tags with spaces at either end
# --------------------------------------------------------------------------------------


def test_theme_tags_lose_spaces_at_either_end_and_then_match() -> None:
    data = example()
    data["participants"][0]["themes"] = {" citizen-dialogue ": 1.0}
    umea = next(i for i, h in enumerate(data["hosts"]) if h["id"] == "umea")
    data["hosts"][umea]["themes"] = {" citizen-dialogue": 1.0, "gender-mainstreaming ": 0.5}
    problem = Problem.model_validate(data)
    assert problem.participants[0].themes == {"citizen-dialogue": 1.0}
    assert problem.hosts[umea].themes == {"citizen-dialogue": 1.0, "gender-mainstreaming": 0.5}
    assert fit_matrix(problem)[0, umea] == pytest.approx(1.0)


def test_visit_and_group_themes_lose_spaces_at_either_end() -> None:
    problem = Problem.model_validate(
        problem_data(
            cohorts=[cohort(study_visits=[{"id": "v1", "themes": {" water ": 1.0}}])],
            hosts=[host("H1", group_visits={"capacity": 30, "themes": {"water\u00a0": 1.0}})],
        )
    )
    assert problem.cohorts[0].study_visits[0].themes == {"water": 1.0}
    offer = problem.hosts[0].group_visits
    assert offer is not None and offer.themes == {"water": 1.0}


def test_other_tags_lose_spaces_at_either_end_too() -> None:
    problem = Problem.model_validate(
        problem_data(
            participants=[
                participant("P1", languages=[" en", "plain-swedish "], access_needs=[" lift"]),
                *problem_data()["participants"][1:],
            ],
            hosts=[host("H1", accessibility=["lift "]), host("H2")],
        )
    )
    assert problem.participants[0].languages == ["en", "plain-swedish"]
    assert problem.participants[0].access_needs == ["lift"]
    assert problem.hosts[0].accessibility == ["lift"]


def test_a_tag_that_collides_once_stripped_is_an_error_naming_the_field() -> None:
    data = problem_data(
        cohorts=[cohort(study_visits=[{"id": "v1", "themes": {"water": 1.0, "water ": 0.5}}])],
        participants=[
            participant("P1", themes={" water": 1.0, "water": 0.5}),
            participant("P2", access_needs=["lift", "lift "]),
            *problem_data()["participants"][2:],
        ],
        hosts=[
            host("H1", themes={"parks": 1.0, " parks ": 0.2}),
            host("H2", group_visits={"capacity": 30, "themes": {"a": 1.0, " a": 1.0}}),
        ],
    )
    found = {(i.record, i.field): i.message for i in issues_of(data)}
    assert set(found) == {
        ("cohorts[0] (id 'C1')", "study_visits[0].themes"),
        (_p(0, "P1"), "themes"),
        (_p(1, "P2"), "access_needs"),
        ("hosts[0] (id 'H1')", "themes"),
        ("hosts[1] (id 'H2')", "group_visits.themes"),
    }
    assert found[(_p(0, "P1"), "themes")].startswith(
        "tag 'water' listed twice (tags ignore case and spaces at either end)"
    )
    assert "tag 'lift' listed twice" in found[(_p(1, "P2"), "access_needs")]


def test_a_blank_tag_is_an_error() -> None:
    data = problem_data(
        participants=[
            participant("P1", themes={"  ": 1.0}, languages=["en", " "]),
            *problem_data()["participants"][1:],
        ],
    )
    found = {(i.record, i.field): i.message for i in issues_of(data)}
    assert set(found) == {(_p(0, "P1"), "themes"), (_p(0, "P1"), "languages")}
    assert "is blank" in found[(_p(0, "P1"), "themes")]


def test_tag_fields_say_spaces_at_either_end_are_removed() -> None:
    schema = json.dumps(Problem.model_json_schema())
    assert schema.count("spaces at either end are removed") >= 7


# --------------------------------------------------------------------------------------
# Defect 3: every error in one run
# --------------------------------------------------------------------------------------


def test_field_reference_and_duplicate_errors_are_reported_in_one_run() -> None:
    data = example()
    data["participants"][1]["languages"] = []
    data["participants"][4]["cohort"] = "X"
    data["pins"][0]["host"] = "zz"
    data["hosts"][3]["id"] = data["hosts"][2]["id"]
    dup = data["hosts"][2]["id"]
    assert lines_of(data) == [
        "participants[1] (id 'p02').languages: should have at least 1 item, not 0 (got [])",
        f"hosts[2] (id {dup!r}).id: duplicate id {dup!r}",
        f"hosts[3] (id {dup!r}).id: duplicate id {dup!r}",
        "participants[4] (id 'p05').cohort: unknown cohort 'X'",
        "pins[0].host: unknown host 'zz'",
    ]


@pytest.mark.parametrize("parser", ["model_validate", "init", "json", "model_validate_json"])
def test_every_entry_point_reports_everything_at_once(parser: str) -> None:
    data = problem_data(
        participants=[
            participant("P1", cohort="C9"),
            participant("P2", languages=[]),
            participant("P3", wishes=["H7"]),
            participant("P3"),
        ],
        pins=[{"participant": "P6", "host": "H1"}],
    )
    text = json.dumps(data, default=str)
    parse = {
        "model_validate": lambda: Problem.model_validate(copy.deepcopy(data)),
        "init": lambda: Problem(**copy.deepcopy(data)),
        "json": lambda: problem_from_json(text),
        "model_validate_json": lambda: Problem.model_validate_json(text),
    }[parser]
    with pytest.raises(ProblemError) as caught:
        parse()
    assert [str(i) for i in caught.value.issues] == [
        "participants[1] (id 'P2').languages: should have at least 1 item, not 0 (got [])",
        "participants[2] (id 'P3').id: duplicate id 'P3'",
        "participants[3] (id 'P3').id: duplicate id 'P3'",
        "participants[0] (id 'P1').cohort: unknown cohort 'C9'",
        "participants[2] (id 'P3').wishes: unknown host 'H7'",
        "pins[0].participant: unknown participant 'P6'",
    ]


def test_a_record_with_a_field_error_is_still_known_to_references() -> None:
    """References to a record that failed its own checks are not called unknown, its id
    still counts for duplicates, and records after it keep their numbers."""
    data = problem_data(
        participants=[
            participant("P1"),
            participant("P2", languages=[]),
            participant("P3"),
            participant("P4", cohort="C9"),
            participant("P2"),
        ],
        hosts=[host("H1", capacity={"max_teams": -1}), host("H2")],
        pins=[{"participant": "P2", "host": "H1"}],
        keep_together=[{"members": ["P2", "P3"]}],
        keep_apart=[{"members": ["P1", "P2"]}],
        affinities=[{"participant": "P2", "host": "H1", "value": 0.5}],
        history=[{"season": "2025", "host": "H1"}],
        hosts_in_use=["H1"],
    )
    found = [(i.record, i.field, i.message) for i in issues_of(data)]
    assert [(r, f) for r, f, _ in found] == [
        (_p(1, "P2"), "languages"),
        ("hosts[0] (id 'H1')", "capacity.max_teams"),
        (_p(1, "P2"), "id"),
        (_p(4, "P2"), "id"),
        (_p(3, "P4"), "cohort"),
    ]


def test_checks_that_need_a_broken_record_are_skipped() -> None:
    """No false alarm when a record cannot be read: a participant without a readable
    cohort could belong to any cohort, an empty list is its own error."""
    people = problem_data()["participants"]
    people[1]["cohort"] = 7  # not text: which cohort P2 is in cannot be told
    data = problem_data(cohorts=[cohort("C1"), cohort("C2")], participants=people)
    assert [(i.record, i.field) for i in issues_of(data)] == [(_p(1, "P2"), "cohort")]
    data = problem_data(hosts=[], participants=[participant("P1", wishes=["H1"])])
    assert [(i.record, i.field) for i in issues_of(data)] == [("hosts", "")]
    data = problem_data(participants="everyone", pins=[{"participant": "P1", "host": "H9"}])
    assert [(i.record, i.field) for i in issues_of(data)] == [
        ("participants", ""),
        ("pins[0]", "host"),
    ]


def test_rules_with_a_field_error_skip_only_the_rule_checks() -> None:
    data = problem_data(
        rules={"objective": "lexicographic", "fit_floor": 2.0, "fit_floor_strictness": "soft"},
        pins=[{"participant": "P9", "host": "H1"}],
    )
    assert [(i.record, i.field) for i in issues_of(data)] == [
        ("rules", "fit_floor"),
        ("pins[0]", "participant"),
    ]
