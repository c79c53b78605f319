"""Reading problems and allocations from disk; writing results atomically."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from pydantic import ValidationError

from ..planning.changes import Change, parse_changes
from ..records.errors import ProblemError, ProblemIssue
from ..records.result import Allocation
from ..records.schema import Problem
from ..records.validation import issues_from_validation_error, parse_problem_json


def _read_text(path: str | Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ProblemError([ProblemIssue(str(path), "", f"cannot read file: {error}")]) from None


def read_problem(path: str | Path) -> Problem:
    """Load a problem JSON file; every error is reported at once as a ProblemError."""
    return parse_problem_json(_read_text(path), source=str(path))


def read_allocation(path: str | Path) -> Allocation:
    text = _read_text(path)
    try:
        return Allocation.model_validate_json(text)
    except ValidationError as error:
        issues = issues_from_validation_error(error, None)
        raise ProblemError(
            [ProblemIssue(f"{path}: {i.record}", i.field, i.message) for i in issues]
        ) from None


def _mode_for(target: Path) -> int:
    """An existing target's permissions, else what ``open()`` would give under the umask."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def read_changes(path: str | Path) -> list[Change]:
    """Load a JSON list of changes (dropouts, additions, host changes, force/forbid)."""
    text = _read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno} column {error.colno}"
        raise ProblemError.single(
            str(path), "", f"not valid JSON at {where}: {error.msg}"
        ) from None
    except RecursionError:
        raise ProblemError.single(str(path), "", "not valid JSON: nested too deeply") from None
    return parse_changes(data)


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write a temporary file beside the target, then rename: readers never see half a file."""
    target = Path(path)
    mode = _mode_for(target)  # mkstemp creates 0600; give the file the usual permissions
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            os.chmod(tmp, mode)
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
