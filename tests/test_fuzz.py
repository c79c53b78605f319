"""icld-match's own fuzzing: mutated problems, allocations and changes files, through the
CLI (in-process, plus a few real processes) and the Python API.

Properties, for every input:

* CLI: exit 0, 1 or 2 and never a traceback; on exit 2 nothing on stdout and one
  ``error:`` line per issue; the input files are byte-for-byte unchanged; an existing
  plan given as ``--out`` is either unchanged or replaced by a valid plan.
* API: ``problem_from_json`` / ``allocation_from_json`` / ``changes_from_json`` return
  a value or raise ``ProblemError``, nothing else; ``check`` and ``explain`` on what
  parsed never raise.

Profiles: by default a fast, deterministic run (``ICLD_FUZZ_EXAMPLES`` examples per
test, 60 unless set); ``ICLD_FUZZ_EXAMPLES=10000 pytest -m fuzz tests/test_fuzz.py -s``
is the long run, which prints the counts at the end.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import host, participant, problem_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icld_match import ProblemError, check, explain, solve
from icld_match.cli import main
from icld_match.io.json_files import allocation_from_json, changes_from_json, problem_from_json

pytestmark = pytest.mark.fuzz

ROOT = Path(__file__).parents[1]
EXAMPLES = int(os.environ.get("ICLD_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=EXAMPLES <= 100,  # the fast profile is the same on every run
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
COUNTS: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    print(f"\nfuzz counts: {dict(sorted(COUNTS.items()))}", file=sys.stderr)


# --------------------------------------------------------------------------------------
# Valid seeds: a small solvable problem, its plan, and a changes file
# --------------------------------------------------------------------------------------


def _seed_problem() -> dict[str, Any]:
    data = problem_data(
        participants=[
            participant("P1", themes={"water": 1.0}, wishes=["H1"]),
            participant("P2", country="Uganda", organisation="Kampala"),
            participant("P3", country="Uganda", languages=["en", "sw"]),
            participant("P4", access_needs=["lift"]),
        ],
        hosts=[
            host("H1", themes={"water": 0.5}, accessibility=["lift"]),
            host(
                "H2", available=[{"start": "2026-05-01", "end": "2026-05-31"}], season_max_teams=3
            ),
        ],
        pins=[{"participant": "P4", "host": "H1"}],
        keep_apart=[{"members": ["P1", "P2"]}],
        affinities=[{"participant": "P2", "host": "H2", "value": 0.5}],
    )
    parsed: dict[str, Any] = json.loads(json.dumps(data, default=str))
    return parsed


SEED_PROBLEM = _seed_problem()
SEED_PLAN: dict[str, Any] = json.loads(
    solve(problem_from_json(json.dumps(SEED_PROBLEM)), workers=1, time_limit=10).to_json()
)
SEED_CHANGES: list[Any] = [
    {"kind": "dropout", "participant": "P3"},
    {"kind": "set_capacity", "host": "H2", "max_teams": 2},
    {"kind": "force", "participant": "P1", "host": "H2"},
]

# --------------------------------------------------------------------------------------
# Mutations
# --------------------------------------------------------------------------------------

ODD_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    1.5,
    "2",
    "",
    "x" * 300,
    "\ud800",
    "Umeå ✓",
    [],
    {},
    [1],
    {"id": 1},
    10**30,
    -(10**19),
    1e308,
    1e-320,
    float("inf"),
    float("nan"),
    "2026-02-30",
    "2026-05-04T00:00:00",
    "1970-01-01",
]
RAW_SNIPPETS = [
    b"NaN",
    b"Infinity",
    b"-Infinity",
    b"1" * 5000,
    b'"\\ud800"',
    b'"\\udfff\\ud800"',
    b"\xef\xbb\xbf",
    b"\xff",
    b"\xe5",
    b"\x00",
    b"{",
    b"]",
    b",",
    b'"',
    b"1e999",
    b"true",
]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


def _apply(doc: Any, path: tuple[Any, ...], op: str, value: Any) -> Any:
    if not path:
        return value if op != "delete" else None
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    if op == "delete":
        del parent[key]
    elif op == "duplicate" and isinstance(parent, list):
        parent.insert(key, json.loads(json.dumps(parent[key])))
    elif op == "swap":
        old = parent[key]
        parent[key] = [old] if not isinstance(old, list) else {"0": old}
    else:
        parent[key] = value
    return doc


@st.composite
def mutated(draw: st.DrawFn, seed: Any) -> bytes:
    """The seed document after a few structural edits, then maybe a few byte edits."""
    doc = json.loads(json.dumps(seed))
    for _ in range(draw(st.integers(0, 3))):
        paths = _paths(doc)
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(["set", "set", "delete", "duplicate", "swap"]))
        # a fresh copy: the odd values are shared constants and must never be edited
        doc = _apply(doc, path, op, copy.deepcopy(draw(st.sampled_from(ODD_VALUES))))
    raw = json.dumps(doc, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(raw)))
        kind = draw(st.sampled_from(["insert", "flip", "cut", "latin1", "bom"]))
        if kind == "insert":
            raw = raw[:at] + draw(st.sampled_from(RAW_SNIPPETS)) + raw[at:]
        elif kind == "flip" and at < len(raw):
            raw = raw[:at] + bytes([raw[at] ^ (1 << draw(st.integers(0, 7)))]) + raw[at + 1 :]
        elif kind == "cut":
            raw = raw[:at] + raw[at + draw(st.integers(1, 20)) :]
        elif kind == "latin1":
            raw = raw.decode("utf-8", "replace").encode("latin-1", "replace")
        else:
            raw = b"\xef\xbb\xbf" + raw
    return raw


def _bytes_of(doc: Any) -> bytes:
    return json.dumps(doc).encode()


# --------------------------------------------------------------------------------------
# Runners
# --------------------------------------------------------------------------------------


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exit_:  # argparse usage errors
            code = int(exit_.code or 0)
        except Exception:  # an escaped exception is exactly what the fuzzer hunts
            import traceback

            traceback.print_exc()
            code = -1
    return code, out.getvalue(), err.getvalue()


def assert_cli_contract(code: int, out: str, err: str) -> None:
    COUNTS["cli inputs"] += 1
    if "Traceback" in err or code == -1:
        COUNTS["cli tracebacks"] += 1
    assert "Traceback" not in err, err
    assert code in (0, 1, 2), (code, err)
    COUNTS[f"cli exit {code}"] += 1
    if code == 2:
        assert out == "", out
        lines = err.splitlines()
        assert lines and all(
            line.startswith(("error: ", "usage: ", "icld-match")) for line in lines
        )


def run_api(problem: bytes, plan: bytes, changes: bytes) -> None:
    """Parse all three; what parses is checked and explained. Only ProblemError may escape."""
    COUNTS["api inputs"] += 1
    try:
        parsed_problem = _parse(problem_from_json, problem)
        parsed_plan = _parse(allocation_from_json, plan)
        _parse(changes_from_json, changes)
        if parsed_problem is not None and parsed_plan is not None:
            check(parsed_problem, parsed_plan)
            explain(parsed_problem, parsed_plan)
    except Exception:
        COUNTS["api escaped exceptions"] += 1
        raise


def _parse(parser: Any, raw: bytes) -> Any:
    try:
        return parser(raw)
    except ProblemError:
        COUNTS["api ProblemError"] += 1
        return None


def _files(folder: Path, problem: bytes, plan: bytes, changes: bytes) -> dict[str, Path]:
    paths = {"problem": folder / "p.json", "plan": folder / "a.json", "changes": folder / "c.json"}
    for name, raw in zip(paths, (problem, plan, changes), strict=True):
        paths[name].write_bytes(raw)
    return paths


COMMANDS = ["validate", "validate", "validate", "explain", "solve", "replan", "what-if"]
SOLVER = ["--workers", "1", "--time-limit", "0.5"]


def cli_case(command: str, problem: bytes, plan: bytes, changes: bytes) -> None:
    """One CLI run in a fresh folder; inputs unchanged, an existing plan never damaged."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = _files(folder, problem, plan, changes)
        out_file = folder / "out.json"
        out_file.write_bytes(_bytes_of(SEED_PLAN))  # a valid plan that must not be lost
        files = [paths["problem"], paths["plan"]]
        argv = [command, str(paths["problem"])]
        if command in ("validate", "explain"):
            argv.append(str(paths["plan"]))
        elif command == "solve":
            argv += ["--out", str(out_file), *SOLVER]
        else:
            argv += [str(paths["plan"]), str(paths["changes"]), "--out", str(out_file), *SOLVER]
            files.append(paths["changes"])
        before = {p: p.read_bytes() for p in files}
        assert_cli_contract(*run_cli(argv))
        assert {p: p.read_bytes() for p in files} == before
        after = out_file.read_bytes()
        if after != _bytes_of(SEED_PLAN):
            assert allocation_from_json(after).is_feasible()


# --------------------------------------------------------------------------------------
# The properties
# --------------------------------------------------------------------------------------


@FUZZ
@given(problem=mutated(SEED_PROBLEM), command=st.sampled_from(COMMANDS))
def test_fuzz_problem_file(problem: bytes, command: str) -> None:
    plan, changes = _bytes_of(SEED_PLAN), _bytes_of(SEED_CHANGES)
    cli_case(command, problem, plan, changes)
    run_api(problem, plan, changes)


@FUZZ
@given(plan=mutated(SEED_PLAN), command=st.sampled_from(["validate", "explain", "replan"]))
def test_fuzz_allocation_file(plan: bytes, command: str) -> None:
    problem, changes = _bytes_of(SEED_PROBLEM), _bytes_of(SEED_CHANGES)
    cli_case(command, problem, plan, changes)
    run_api(problem, plan, changes)


@FUZZ
@given(changes=mutated(SEED_CHANGES), command=st.sampled_from(["replan", "what-if"]))
def test_fuzz_changes_file(changes: bytes, command: str) -> None:
    problem, plan = _bytes_of(SEED_PROBLEM), _bytes_of(SEED_PLAN)
    cli_case(command, problem, plan, changes)
    run_api(problem, plan, changes)


@FUZZ
@given(problem=mutated(SEED_PROBLEM), plan=mutated(SEED_PLAN), changes=mutated(SEED_CHANGES))
def test_fuzz_api_only(problem: bytes, plan: bytes, changes: bytes) -> None:
    run_api(problem, plan, changes)


@pytest.mark.parametrize(
    "problem",
    [
        b"\xef\xbb\xbf" + _bytes_of(SEED_PROBLEM),
        _bytes_of(SEED_PROBLEM).replace(b'"Host H1"', b'"\\ud800"'),
        _bytes_of(SEED_PROBLEM).replace(b'"max_teams": 1', b'"max_teams": ' + b"7" * 5000),
        _bytes_of({**SEED_PROBLEM, "weights": {"thematic_fit": 1e17}}),
        _bytes_of(SEED_PROBLEM).replace(b"Person P1", "Pérson".encode("latin-1")),
    ],
    ids=["bom", "surrogate", "huge int", "huge weight", "latin-1"],
)
def test_fuzz_real_processes(problem: bytes, tmp_path: Path) -> None:
    """A handful of the same checks through the real entry point, as a coordinator runs it."""
    paths = _files(tmp_path, problem, _bytes_of(SEED_PLAN), _bytes_of(SEED_CHANGES))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "icld_match.cli",
            "solve",
            str(paths["problem"]),
            "--out",
            str(paths["plan"]),
            *SOLVER,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert_cli_contract(done.returncode, done.stdout, done.stderr)
    assert paths["problem"].read_bytes() == problem
