"""Shared test helpers: small problem and allocation builders.

Plain functions rather than fixtures, so tests can call them with arguments; import them
with ``from conftest import ...`` (pytest puts ``tests/`` on ``sys.path``). Add new
helpers under a section header of their own.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from typing import Any

from hypothesis import HealthCheck, settings

from icld_match.records.result import Allocation, Status, Team
from icld_match.records.schema import Problem

# --------------------------------------------------------------------------------------
# Hypothesis profiles: HYPOTHESIS_PROFILE=dev|ci|long; with CI set (CI=true), "ci" is the
# default, so `python -m pytest` in CI draws the same examples on every run.
# --------------------------------------------------------------------------------------

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile("dev", deadline=None, suppress_health_check=_QUIET)
settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    print_blob=True,
    deadline=None,
    suppress_health_check=_QUIET,
)
settings.register_profile(
    "long", max_examples=1000, deadline=None, suppress_health_check=_QUIET, print_blob=True
)
#: Example counts are scaled by this factor: 10 in "long", 1/4 in "mutation" (the ci
#: profile with fewer examples, for mutation runs).
SCALE = {"long": 10.0, "mutation": 0.25}.get(os.environ.get("HYPOTHESIS_PROFILE", ""), 1.0)
settings.register_profile("mutation", parent=settings.get_profile("ci"))


def examples(n: int) -> int:
    """``max_examples`` for a property: ``n`` scaled by the profile (at least 2)."""
    return max(2, round(n * SCALE))


settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)

# --------------------------------------------------------------------------------------
# Problem builders (records as plain dicts, validated once by Problem)
# --------------------------------------------------------------------------------------

#: The default cohort's two internship days.
START = date(2026, 5, 4)
END = date(2026, 5, 5)


def cohort(
    cid: str = "C1",
    start: date = START,
    end: date = END,
    team_size: tuple[int, int] = (2, 4),
    **fields: Any,
) -> dict[str, Any]:
    """A cohort record; ``team_size`` is (min, max)."""
    return {
        "id": cid,
        "name": f"Cohort {cid}",
        "internship": {"start": start, "end": end},
        "team_size": {"min": team_size[0], "max": team_size[1]},
        **fields,
    }


def participant(
    pid: str,
    cohort: str = "C1",
    country: str = "Kenya",
    languages: Sequence[str] = ("en",),
    **fields: Any,
) -> dict[str, Any]:
    """A participant record speaking English unless told otherwise."""
    return {
        "id": pid,
        "name": f"Person {pid}",
        "cohort": cohort,
        "country": country,
        "languages": list(languages),
        **fields,
    }


def host(hid: str, languages: Sequence[str] = ("en",), **fields: Any) -> dict[str, Any]:
    """A host record working in English; default capacity is one team of up to four."""
    return {
        "id": hid,
        "name": f"Host {hid}",
        "municipality": f"Municipality {hid}",
        "languages": list(languages),
        **fields,
    }


def problem_data(**overrides: Any) -> dict[str, Any]:
    """The data of :func:`tiny_problem` as a plain dict, fresh on every call."""
    data: dict[str, Any] = {
        "cohorts": [cohort()],
        "participants": [
            participant("P1", country="Kenya"),
            participant("P2", country="Kenya"),
            participant("P3", country="Uganda"),
            participant("P4", country="Uganda"),
        ],
        "hosts": [host("H1"), host("H2")],
    }
    data.update(overrides)
    return data


def tiny_problem(**overrides: Any) -> Problem:
    """One cohort C1 (4-5 May 2026, teams of 2-4), hosts H1 and H2, four participants.

    P1 and P2 come from Kenya, P3 and P4 from Uganda. Keyword arguments replace whole
    top-level fields of the problem (``participants=[...]``, ``rules={...}``, ...).
    """
    return Problem.model_validate(problem_data(**overrides))


def far_or_near(*extra_hosts: dict[str, Any]) -> Problem:
    """Cohort C1 based in Stockholm, P1-P4 all on theme 'a' (one team of two to four):
    H1 in Malmö fits 1.0, H2 in Stockholm 0.9, then ``extra_hosts``. A member's share of
    a team's trip to Malmö costs more than the 0.1 of fit it adds."""
    stockholm = {"lat": 59.33, "lon": 18.07}
    return tiny_problem(
        cohorts=[cohort(base={"name": "Stockholm", **stockholm})],
        participants=[participant(f"P{i}", themes={"a": 1.0}) for i in range(1, 5)],
        hosts=[
            host("H1", themes={"a": 1.0}, location={"lat": 55.6, "lon": 13.0}),
            host("H2", themes={"a": 0.9}, location=stockholm),
            *extra_hosts,
        ],
    )


# --------------------------------------------------------------------------------------
# Allocation builders
# --------------------------------------------------------------------------------------


def team(
    tid: str,
    host: str,
    members: Sequence[str],
    cohort: str = "C1",
    start: date = START,
    end: date = END,
    fit: float = 0.0,
) -> Team:
    """A team of the default cohort's dates unless told otherwise."""
    return Team(
        id=tid, cohort=cohort, host=host, members=list(members), start=start, end=end, fit=fit
    )


def allocation(*teams: Team) -> Allocation:
    """A feasible allocation holding exactly these teams."""
    return Allocation(status=Status.FEASIBLE, teams=list(teams))


# --------------------------------------------------------------------------------------
# Markers
# --------------------------------------------------------------------------------------


def pytest_configure(config: Any) -> None:
    """``fuzz``: tests/test_fuzz.py (fast by default; ICLD_FUZZ_EXAMPLES=10000 for long)."""
    config.addinivalue_line("markers", "fuzz: mutation fuzzing of CLI and API inputs")


# --------------------------------------------------------------------------------------
# The command line, run in-process
# --------------------------------------------------------------------------------------

#: Words of the libraries underneath that no error message may show a coordinator.
JARGON = ("instance of", "after validation", "utf-8-sig", "Unable to parse", "Input should")


def run_cli(capsys: Any, *argv: Any) -> tuple[int, str, str]:
    """``icld-match ARGV`` in this process: exit code, stdout, stderr."""
    from icld_match.cli import main

    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def cli_bad_input(capsys: Any, *argv: Any) -> list[str]:
    """Runs the CLI, asserts exit 2 / no traceback / clean stdout / no library jargon;
    returns the error lines."""
    code, out, err = run_cli(capsys, *argv)
    assert (code, out) == (2, ""), (code, out, err)
    assert "Traceback" not in err
    lines: list[str] = err.splitlines()
    assert lines and all(line.startswith("error: ") for line in lines), lines
    assert not any(word in err for word in JARGON), err
    return lines
