"""Reading problems and allocations from disk; writing results atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pydantic import ValidationError

from .errors import ProblemError, ProblemIssue
from .result import Allocation
from .schema import Problem
from .validation import issues_from_validation_error, parse_problem_json


def _read_text(path: str | Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ProblemError([ProblemIssue(str(path), "", f"cannot read file: {error}")]) from None


def read_problem(path: str | Path) -> Problem:
    """Load a problem JSON file; every error is reported at once as a ProblemError."""
    return parse_problem_json(_read_text(path))


def read_allocation(path: str | Path) -> Allocation:
    text = _read_text(path)
    try:
        return Allocation.model_validate_json(text)
    except ValidationError as error:
        issues = issues_from_validation_error(error, None)
        raise ProblemError(
            [ProblemIssue(f"{path}: {i.record}", i.field, i.message) for i in issues]
        ) from None


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write a temporary file beside the target, then rename: readers never see half a file."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
