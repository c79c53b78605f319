"""One loader for every problem format, so each CLI verb accepts JSON or a spreadsheet.

Kept apart from :mod:`icld_match.io.workbook` so that loading a JSON problem never imports
the spreadsheet code (and with it openpyxl): ``icld-match solve problem.json`` starts fast.
"""

from __future__ import annotations

from pathlib import Path

from ..records.schema import Problem
from .json_files import load_problem

__all__ = ["load_problem_any"]


def load_problem_any(path: str | Path) -> Problem:
    """A problem from JSON, an XLSX workbook (``.xlsx``) or a directory of CSV files."""
    source = Path(path)
    if source.is_dir() or source.suffix.casefold() in (".xlsx", ".xlsm"):
        from .workbook import read_problem_tables

        return read_problem_tables(source)[0]
    return load_problem(source)
