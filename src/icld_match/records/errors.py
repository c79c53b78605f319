"""One exception for every kind of bad input, carrying all the problems found at once."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProblemIssue:
    """One thing wrong with the input, located by record and field."""

    record: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.record}.{self.field}" if self.field else self.record
        return f"{where}: {self.message}"


class ProblemError(Exception):
    """The input is not a valid problem; ``issues`` lists every problem found."""

    def __init__(self, issues: list[ProblemIssue]) -> None:
        self.issues = list(issues)
        count = len(self.issues)
        head = f"{count} problem{'s' if count != 1 else ''} in the input"
        super().__init__(head + ":\n" + "\n".join(f"  {issue}" for issue in self.issues))

    @classmethod
    def single(cls, record: str, field: str, message: str) -> ProblemError:
        return cls([ProblemIssue(record, field, message)])
