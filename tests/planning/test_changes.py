"""Changes to a problem: each kind's effect, the original left alone, every error at once."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import allocation, cohort, host, participant, team, tiny_problem

from icld_match.planning.changes import (
    AddParticipant,
    Change,
    Dropout,
    Forbid,
    Force,
    HostCancels,
    SetCapacity,
    apply_changes,
    parse_changes,
)
from icld_match.records.errors import ProblemError
from icld_match.records.schema import Participant

# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def people(**fields: dict[str, Any]) -> list[dict[str, Any]]:
    """P1..P4 of ``tiny_problem`` (P1, P2 Kenya; P3, P4 Uganda), with extra fields per id."""
    countries = {"P1": "Kenya", "P2": "Kenya", "P3": "Uganda", "P4": "Uganda"}
    return [participant(pid, country=c, **fields.get(pid, {})) for pid, c in countries.items()]


def where(error: ProblemError) -> list[tuple[str, str]]:
    """(record, field) of every issue, in order."""
    return [(i.record, i.field) for i in error.issues]


#: T1 = P1, P2 at H1; T2 = P3, P4 at H2.
BASE = allocation(team("T1", "H1", ["P1", "P2"]), team("T2", "H2", ["P3", "P4"]))


# --------------------------------------------------------------------------------------
# Each kind of change
# --------------------------------------------------------------------------------------


def test_dropout_removes_the_participant_and_every_reference_to_them() -> None:
    problem = tiny_problem(
        participants=[*people(), participant("P5", country="Rwanda")],
        pins=[{"participant": "P1", "host": "H1"}, {"participant": "P3", "host": "H2"}],
        keep_together=[
            {"members": ["P1", "P2"], "reason": "left alone: dropped"},
            {"members": ["P1", "P3", "P4"], "reason": "kept, without P1"},
        ],
        keep_apart=[{"members": ["P1", "P5"]}, {"members": ["P1", "P2", "P5"]}],
        affinities=[
            {"participant": "P1", "host": "H1", "value": 0.9},
            {"participant": "P2", "host": "H2", "value": 0.4},
        ],
    )

    changed = apply_changes(problem, [Dropout(participant="P1")])

    expected = tiny_problem(
        participants=[*people()[1:], participant("P5", country="Rwanda")],
        pins=[{"participant": "P3", "host": "H2"}],
        keep_together=[{"members": ["P3", "P4"], "reason": "kept, without P1"}],
        keep_apart=[{"members": ["P2", "P5"]}],
        affinities=[{"participant": "P2", "host": "H2", "value": 0.4}],
    )
    assert changed.model_dump() == expected.model_dump()


def test_add_participant_appends_a_validated_participant() -> None:
    problem = tiny_problem()
    new = Participant.model_validate(participant("P5", country="Rwanda", wishes=["H2"]))

    changed = apply_changes(problem, [AddParticipant(participant=new)])

    assert changed.participants == [*problem.participants, new]
    assert changed.model_dump(exclude={"participants"}) == problem.model_dump(
        exclude={"participants"}
    )


def test_add_participant_is_checked_against_the_rest_of_the_problem() -> None:
    late = Participant.model_validate(participant("P1", cohort="C9", wishes=["H7"]))
    with pytest.raises(ProblemError) as caught:
        apply_changes(tiny_problem(), [AddParticipant(participant=late)])
    assert set(where(caught.value)) >= {
        ("participants[4] (id 'P1')", "id"),  # duplicate id
        ("participants[4] (id 'P1')", "cohort"),
        ("participants[4] (id 'P1')", "wishes"),
    }


def test_host_cancels_makes_the_host_unavailable_on_every_date() -> None:
    problem = tiny_problem(hosts=[host("H1", available=None), host("H2")])

    changed = apply_changes(problem, [HostCancels(host="H1")])

    assert changed.host("H1").available == []
    expected = tiny_problem(hosts=[host("H1", available=[]), host("H2")])
    assert changed.model_dump() == expected.model_dump()


@pytest.mark.parametrize(
    ("fields", "capacity"),
    [
        ({"max_teams": 3}, {"max_teams": 3, "max_participants": 6}),
        ({"max_participants": 5}, {"max_teams": 2, "max_participants": 5}),
        ({"max_teams": 0, "max_participants": 0}, {"max_teams": 0, "max_participants": 0}),
    ],
    ids=["teams only", "participants only", "both, to zero"],
)
def test_set_capacity_changes_only_the_fields_given(
    fields: dict[str, int], capacity: dict[str, int]
) -> None:
    before = {"max_teams": 2, "max_participants": 6}
    problem = tiny_problem(hosts=[host("H1", capacity=before), host("H2")])

    changed = apply_changes(problem, [SetCapacity(host="H1", **fields)])

    expected = tiny_problem(hosts=[host("H1", capacity=capacity), host("H2")])
    assert changed.model_dump() == expected.model_dump()


def test_changes_that_leave_nobody_are_named_as_such() -> None:
    everyone = [Dropout(participant=p) for p in ("P1", "P2", "P3", "P4")]
    with pytest.raises(ProblemError) as caught:
        apply_changes(tiny_problem(), everyone)
    assert [str(i) for i in caught.value.issues] == [
        "changes: they leave no participant in the problem"
    ]


def test_set_capacity_that_sets_neither_field_is_bad_input() -> None:
    with pytest.raises(ProblemError, match="give max_teams and/or max_participants"):
        SetCapacity(host="H1")


def test_force_a_participant_replaces_their_pin_and_unblocks_the_host() -> None:
    problem = tiny_problem(
        participants=people(P1={"blocked_hosts": ["H2"]}, P3={"blocked_hosts": ["H2"]}),
        pins=[{"participant": "P1", "host": "H1"}, {"participant": "P4", "host": "H1"}],
    )

    changed = apply_changes(problem, [Force(participant="P1", host="H2")])

    assert [(p.participant, p.host) for p in changed.pins] == [("P4", "H1"), ("P1", "H2")]
    assert changed.participant("P1").blocked_hosts == []
    assert changed.participant("P3").blocked_hosts == ["H2"]  # nobody else is touched


def test_force_a_team_pins_every_member_of_the_base_allocation_team() -> None:
    problem = tiny_problem(participants=people(P3={"blocked_hosts": ["H1"]}))

    changed = apply_changes(problem, [Force(team="T2", host="H1")], BASE)

    assert sorted((p.participant, p.host) for p in changed.pins) == [("P3", "H1"), ("P4", "H1")]
    assert changed.participant("P3").blocked_hosts == []


def test_forbid_a_participant_blocks_the_host_and_drops_it_from_their_wishes() -> None:
    problem = tiny_problem(participants=people(P1={"wishes": ["H1", "H2"]}))

    changed = apply_changes(problem, [Forbid(participant="P1", host="H1")])

    assert changed.participant("P1").blocked_hosts == ["H1"]
    assert changed.participant("P1").wishes == ["H2"]
    assert changed.pins == problem.pins


def test_forbid_a_team_blocks_the_host_for_every_member() -> None:
    problem = tiny_problem(participants=people(P2={"wishes": ["H1"]}, P1={"blocked_hosts": ["H1"]}))

    changed = apply_changes(problem, [Forbid(team="T1", host="H1")], BASE)

    assert changed.participant("P1").blocked_hosts == ["H1"]  # already blocked: not twice
    assert changed.participant("P2").blocked_hosts == ["H1"]
    assert changed.participant("P2").wishes == []
    assert changed.participant("P3").blocked_hosts == []


def test_forbid_drops_a_pin_to_the_forbidden_host_only() -> None:
    problem = tiny_problem(
        pins=[{"participant": "P1", "host": "H1"}, {"participant": "P2", "host": "H1"}]
    )

    changed = apply_changes(problem, [Forbid(participant="P1", host="H1")])

    assert [(p.participant, p.host) for p in changed.pins] == [("P2", "H1")]
    kept = apply_changes(problem, [Forbid(participant="P1", host="H2")])
    assert [(p.participant, p.host) for p in kept.pins] == [("P1", "H1"), ("P2", "H1")]


def test_force_a_team_skips_members_who_dropped_out() -> None:
    changed = apply_changes(
        tiny_problem(), [Dropout(participant="P3"), Force(team="T2", host="H1")], BASE
    )

    assert [(p.participant, p.host) for p in changed.pins] == [("P4", "H1")]


def test_changes_apply_in_order() -> None:
    late = Participant.model_validate(participant("P5", country="Rwanda"))
    changes: list[Change] = [
        AddParticipant(participant=late),
        Forbid(participant="P5", host="H1"),
        Force(participant="P5", host="H1"),  # the later decision wins
    ]

    changed = apply_changes(tiny_problem(), changes)

    assert changed.participant("P5").blocked_hosts == []
    assert [(p.participant, p.host) for p in changed.pins] == [("P5", "H1")]


# --------------------------------------------------------------------------------------
# The original problem is never touched
# --------------------------------------------------------------------------------------

RICH = {
    "participants": people(P1={"wishes": ["H1"], "blocked_hosts": ["H2"]}),
    "hosts": [host("H1", capacity={"max_teams": 2, "max_participants": 8}), host("H2")],
    "pins": [{"participant": "P2", "host": "H1"}],
    "keep_together": [{"members": ["P1", "P2"]}],
    "keep_apart": [{"members": ["P1", "P3"]}],
    "affinities": [{"participant": "P1", "host": "H1", "value": 0.5}],
}
EVERY_KIND: list[Change] = [
    Dropout(participant="P1"),
    AddParticipant(participant=Participant.model_validate(participant("P5"))),
    HostCancels(host="H2"),
    SetCapacity(host="H1", max_teams=1),
    Force(team="T1", host="H2"),
    Forbid(participant="P3", host="H1"),
]


@pytest.mark.parametrize("change", EVERY_KIND, ids=lambda c: c.kind)
def test_the_original_problem_is_unchanged(change: Change) -> None:
    problem = tiny_problem(**RICH)
    before = problem.model_dump()

    changed = apply_changes(problem, [change], BASE)

    assert problem.model_dump() == before
    assert changed.model_dump() != before


def test_every_kind_together_leaves_the_original_unchanged() -> None:
    problem = tiny_problem(**RICH)
    before = problem.model_dump()
    apply_changes(problem, [*EVERY_KIND[1:], EVERY_KIND[0]], BASE)  # force T1 before P1 leaves
    assert problem.model_dump() == before


# --------------------------------------------------------------------------------------
# Errors: every one reported at once, naming the change and the field
# --------------------------------------------------------------------------------------


def test_every_bad_change_is_reported_together() -> None:
    changes: list[Change] = [
        Dropout(participant="P9"),
        HostCancels(host="H9"),
        SetCapacity(host="H9", max_teams=1),
        Force(participant="P9", host="H1"),
        Forbid(participant="P8", host="H1"),
        Force(host="H9", participant="P1"),
        Force(team="T9", host="H1"),
        Forbid(participant="P1", team="T1", host="H1"),
        Force(host="H1"),
        Dropout(participant="P2"),  # a good change among bad ones is not an error
    ]

    with pytest.raises(ProblemError) as caught:
        apply_changes(tiny_problem(), changes, BASE)

    assert where(caught.value) == [
        ("changes[0]", "participant"),
        ("changes[1]", "host"),
        ("changes[2]", "host"),
        ("changes[3]", "participant"),
        ("changes[4]", "participant"),
        ("changes[5]", "host"),
        ("changes[6]", "team"),
        ("changes[7]", "participant"),
        ("changes[8]", "participant"),
    ]
    messages = [i.message for i in caught.value.issues]
    assert "P9" in messages[0] and "H9" in messages[1] and "P8" in messages[4]
    assert "T9" in messages[6]
    assert "exactly one" in messages[7] and "exactly one" in messages[8]


@pytest.mark.parametrize("kind", [Force, Forbid])
def test_team_without_base_allocation_is_an_error(kind: type[Force] | type[Forbid]) -> None:
    with pytest.raises(ProblemError) as caught:
        apply_changes(tiny_problem(), [Dropout(participant="P1"), kind(team="T1", host="H1")])
    assert where(caught.value) == [("changes[1]", "team")]
    assert "T1" in caught.value.issues[0].message


def test_dropout_that_empties_a_cohort_is_an_error() -> None:
    problem = tiny_problem(
        cohorts=[cohort("C1"), cohort("C2")],
        participants=[*people(), participant("Q1", cohort="C2")],
    )
    with pytest.raises(ProblemError) as caught:
        apply_changes(problem, [Dropout(participant="Q1")])
    assert [str(i) for i in caught.value.issues] == [
        "cohorts[1] (id 'C2').id: cohort has no participants"
    ]


# --------------------------------------------------------------------------------------
# parse_changes
# --------------------------------------------------------------------------------------


def test_parse_changes_reads_every_kind() -> None:
    data = [change.model_dump(mode="json", exclude_none=True) for change in EVERY_KIND]
    assert parse_changes(data) == EVERY_KIND
    assert parse_changes([]) == []


def test_parse_changes_reports_every_bad_change_with_its_index() -> None:
    data = [
        {"kind": "dropout", "participant": "P1"},
        {"kind": "cancel_everything"},
        {"kind": "dropout"},
        {"kind": "set_capacity", "host": "H1", "max_teams": -1, "colour": "red"},
        {"host": "H1"},
        "force",
        {"kind": "add_participant", "participant": {"id": "P5", "name": "Late"}},
    ]
    with pytest.raises(ProblemError) as caught:
        parse_changes(data)
    found = where(caught.value)
    assert found[:6] == [
        ("changes[1]", ""),  # unknown kind
        ("changes[2]", "participant"),  # missing field
        ("changes[3]", "max_teams"),
        ("changes[3]", "colour"),
        ("changes[4]", ""),  # no kind at all
        ("changes[5]", ""),  # not an object
    ]
    assert set(found[6:]) == {
        ("changes[6]", f"participant.{name}") for name in ("cohort", "country", "languages")
    }
    messages = [i.message for i in caught.value.issues]
    assert "cancel_everything" in messages[0]
    assert messages[1] == "Field required"


def test_parse_changes_needs_a_list() -> None:
    with pytest.raises(ProblemError) as caught:
        parse_changes({"kind": "dropout", "participant": "P1"})
    assert where(caught.value) == [("changes", "")]
