"""The printable report: self-contained HTML, rendered in a real headless browser."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from icld_match import (
    Allocation,
    Problem,
    load_problem,
    solve,
)
from icld_match.cli import main
from icld_match.io.report import render_report

EXAMPLE = Path(__file__).parents[2] / "examples" / "data" / "itp-local-democracy-2026.json"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def planned() -> tuple[Problem, Allocation]:
    problem = load_problem(EXAMPLE)
    return problem, solve(problem, time_limit=20, seed=0, workers=1)


def test_report_is_self_contained(planned: tuple[Problem, Allocation]) -> None:
    html = render_report(*planned)
    assert "<script" not in html and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    assert "https://" not in html and "@page" in html and "page-break-inside: avoid" in html
    assert html.count("<svg") == 3


def test_report_escapes_names(planned: tuple[Problem, Allocation]) -> None:
    problem, allocation = planned
    data = problem.model_dump()
    data["participants"][0]["name"] = "<b>Wanjiru</b> & co"
    html = render_report(Problem.model_validate(data), allocation)
    assert "<b>Wanjiru</b>" not in html and "&lt;b&gt;Wanjiru&lt;/b&gt; &amp; co" in html


def _browser(*args: str) -> str:
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory() as profile:
        run = subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    return run.stdout


@pytest.mark.skipif(CHROMIUM is None, reason="needs chromium (.ci/run installs it)")
def test_browser_shows_every_team_and_member(
    tmp_path: Path, planned: tuple[Problem, Allocation]
) -> None:
    problem, allocation = planned
    alloc = tmp_path / "a.json"
    alloc.write_text(allocation.to_json())
    page = tmp_path / "plan.html"
    assert main(["report", str(EXAMPLE), str(alloc), "-o", str(page)]) == 0
    dom = _browser("--dump-dom", page.as_uri())
    text = re.sub(r"<[^>]+>", " ", dom)
    for team in allocation.teams:
        assert team.id in text
        for member in team.members:
            assert problem.participant(member).name in text
    _browser(f"--screenshot={tmp_path / 'shot.png'}", "--window-size=1200,1600", page.as_uri())
    assert (tmp_path / "shot.png").stat().st_size > 10_000
