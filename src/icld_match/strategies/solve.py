"""The public ``solve()``: one deadline, interrupts, independent parts, then a strategy.

Why this shape: the time limit covers everything from the call to the answer, so the
clock starts first and every stage reads the same :class:`Deadline`. The work runs in a
helper thread while the main thread waits in short steps: Python runs signal handlers
only between bytecodes of the main thread, and a long CP-SAT call there would hold Ctrl-C
back until it returned. The handler sets the stop flag, which stops every CP-SAT solver
running (thread-safe), and the answer is the best plan found so far.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from importlib.metadata import version
from types import FrameType
from typing import Any, TypeVar

from ..analysis.check import check, score
from ..analysis.diagnose import diagnose_index, diagnose_visits
from ..analysis.precheck import explain_unplaced, precheck
from ..engine.clock import Deadline, StopFlag
from ..engine.cpsat import RunSpec, default_workers, run_model
from ..engine.heap import long_lived_frozen
from ..engine.model import ModelContext
from ..index.problem_index import ProblemIndex
from ..records.options import check_options
from ..records.result import Allocation, Status, problem_sha256
from ..records.schema import Problem
from ..records.validation import raise_for_objective_range
from .context import STRATEGIES, Context, Progress, SolveOptions, StrategyName
from .lexicographic import Floor, best_floor, ceiling
from .parts import PartResult, independent_parts, solve_parts
from .portfolio import run_named
from .visits import needs_visits

__all__ = ["Progress", "SolveOptions", "solve", "solve_index"]

T = TypeVar("T")
#: Problems up to this many participants are pre-checked before any search.
PRECHECK_FIRST = 2_000
#: Seconds between "still searching" progress lines before the first plan.
_TICK = 1.0


def solve(
    problem: Problem,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    workers: int | None = None,
    log: bool = False,
    on_progress: Callable[[Progress], None] | None = None,
    allow_unplaced: bool = False,
    hint: Allocation | None = None,
    strategy: StrategyName = "auto",
    stop: StopFlag | None = None,
    on_tick: Callable[[float, float], None] | None = None,
) -> Allocation:
    """Form the teams and pick their hosts, maximising the weighted objective.

    Never raises on an impossible problem: the allocation's status says infeasible and
    ``reasons`` says why. ``strategy`` is "auto" (the anytime portfolio, see
    :mod:`icld_match.strategies.portfolio`), "exact", "decompose" or "shortlist". The
    answer is always the best plan found so far: Ctrl-C/SIGTERM (or ``stop.set()``) end
    the search and return it with status ``feasible`` and a reason saying so. With
    ``allow_unplaced`` as many participants as possible are placed first. ``hint``
    warm-starts from an earlier allocation. ``workers=1``, the same seed and a run that
    ends before its time limit give the same allocation. ``on_progress`` hears of every
    better plan (with the strategy that found it); ``on_tick(elapsed, limit)`` is called
    at the start and every second until the first plan, so a caller can show the clock.
    """
    check_options(time_limit, seed, workers)
    deadline = Deadline(time_limit, stop=stop or StopFlag())
    options = _options(seed, workers, log, allow_unplaced, strategy)
    raise_for_objective_range(problem)  # a ProblemError naming the weight, not CP-SAT's
    relay = _Relay(on_progress, on_tick)
    relay.tick(deadline)

    def work() -> Allocation:
        # the hash first, inside the time limit (0.2 s at 10,000 participants)
        digest = problem_sha256(problem)
        index = ProblemIndex.build(problem)
        with long_lived_frozen():
            answer = solve_objective(index, options, deadline, relay, hint)
        return answer.stamped(problem, digest)

    return _interruptible(work, deadline, relay)


def solve_index(
    index: ProblemIndex,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    workers: int | None = None,
    log: bool = False,
    on_progress: Callable[[Progress], None] | None = None,
    allow_unplaced: bool = False,
    hint: Allocation | None = None,
    skip_rules: frozenset[str] = frozenset(),
    primary: Callable[[ModelContext], Any] | None = None,
    strategy: StrategyName = "auto",
) -> Allocation:
    """:func:`solve` on a prebuilt index.

    ``skip_rules`` drops named rules (tests); ``primary`` is maximised first, then the
    weighted objective without letting it drop (re-planning). Both use the exact model.
    """
    check_options(time_limit, seed, workers)
    deadline = Deadline(time_limit)
    options = _options(seed, workers, log, allow_unplaced, strategy)
    if not (skip_rules or primary):
        with long_lived_frozen():
            return _interruptible(
                lambda: solve_objective(index, options, deadline, on_progress, hint), deadline
            )
    spec = RunSpec(
        seed=options.seed,
        workers=options.workers,
        log=log,
        allow_unplaced=allow_unplaced,
        skip_rules=skip_rules,
        primary=primary,
    )
    target = index.relaxed(skip_rules) if skip_rules else index
    outcome = _interruptible(
        lambda: run_model(target, spec, deadline=deadline, hint=hint), deadline
    )
    plan = None
    if outcome.found:
        plan = Allocation(
            status=outcome.status,
            teams=outcome.teams,
            visits=outcome.visits,
            terms=outcome.terms,
            objective=outcome.objective,
        )
    result = PartResult(
        plan, outcome.bound, outcome.status is Status.OPTIMAL, "exact", outcome.status
    )
    return _answer(target, result, options, deadline, outcome.solve_time)


#: Share of the time for stage 1 of the lexicographic objective (the best lowest fit).
LEXICOGRAPHIC_SHARE = 0.3


def solve_objective(
    index: ProblemIndex,
    options: SolveOptions,
    deadline: Deadline,
    on_progress: Callable[[Progress], None] | None,
    hint: Allocation | None,
) -> Allocation:
    """The plain weighted sum, or with ``rules.objective == "lexicographic"`` two stages:
    the best lowest fit F first (a share of the time), then the weighted sum through the
    normal engine with a hard fit floor at F. Relaxed mode keeps the plain sum."""
    rules = index.problem.rules
    if rules.objective != "lexicographic" or options.allow_unplaced:
        return solve_prepared(index, options, deadline, on_progress, hint)
    floor = best_floor(index, options, deadline.share(LEXICOGRAPHIC_SHARE))
    if floor is None:
        answer = solve_prepared(index, options, deadline, on_progress, hint)
        note = "Lexicographic stage 1 found no plan in its share of the time"
        return answer.model_copy(update={"reasons": [f"{note}.", *answer.reasons]})
    held = rules.model_copy(update={"fit_floor": floor.value, "fit_floor_strictness": "hard"})
    floored = ProblemIndex.build(index.problem.model_copy(update={"rules": held}))
    answer = solve_prepared(floored, options, deadline, on_progress, floor.plan)
    return _lexicographic_answer(index, answer, floor)


def _lexicographic_answer(index: ProblemIndex, answer: Allocation, floor: Floor) -> Allocation:
    """Stage 2's answer, re-scored on the problem as given, with both stages reported; it
    is optimal only when stage 1 proved its floor."""
    stage1 = f"Lexicographic stage 1: the lowest fit of any participant is {floor.value:.6g} " + (
        "(proven the best possible, to 1e-6)."
        if floor.proven
        else f"(the best found in its share of the time, by {floor.source}; not proven)."
    )
    if not answer.teams:
        return answer.model_copy(update={"reasons": [stage1, *answer.reasons]})
    proven = floor.proven and answer.status is Status.OPTIMAL
    terms = score(index.problem, answer)
    stage2 = (
        f"Lexicographic stage 2: the weighted sum {sum(t.contribution for t in terms):.6g} "
        f"with every fit held at or above {floor.value:.6g} "
        f"({'optimal' if answer.status is Status.OPTIMAL else 'not proven optimal'})."
    )
    update: dict[str, Any] = {
        "terms": terms,
        "reasons": [stage1, stage2, *answer.reasons],
        "status": Status.OPTIMAL if proven else Status.FEASIBLE,
        "strategy": f"lexicographic({floor.source}+{answer.strategy})",
    }
    if not floor.proven:
        update.update(best_bound=None, gap=None)
    return answer.model_copy(update=update)


def solve_prepared(
    index: ProblemIndex,
    options: SolveOptions,
    deadline: Deadline,
    on_progress: Callable[[Progress], None] | None,
    hint: Allocation | None,
) -> Allocation:
    """Pre-checks, independent parts, the chosen strategy, and the final answer.

    The counting pre-checks run first on problems up to PRECHECK_FIRST participants; on
    larger ones (2 s at 10,000) only when no plan was found, since a plan proves them.
    """
    checked = options.allow_unplaced or index.n_participants > PRECHECK_FIRST
    failed = [] if checked else precheck(index)
    if not failed:
        start = hint if hint is not None and not check(index.problem, hint) else None
        ctx = Context(options, deadline, on_progress, clock=deadline)
        # the worst-fit term is a minimum over everyone: parts solved apart would each
        # lift their own minimum, and their proofs would not add up (unless it is 0 anyway);
        # cohorts with study visits share the hosts' group days: no independent parts
        separable = index.problem.weights.worst_fit == 0 or ceiling(index) <= 0
        split = options.strategy == "auto" and separable and not needs_visits(index)
        parts = independent_parts(index) if split else [[]]
        if len(parts) > 1:
            results = solve_parts(index, parts, ctx, lambda sub, c: run_named(sub, None, c))
            result = _joined(index, results, len(parts))
        else:
            result = run_named(index, start, ctx)
        if result.plan is not None or options.allow_unplaced or deadline.expired():
            return _answer(index, result, options, deadline, 0.0)
        failed = [] if not checked else precheck(index)
        if not failed:
            return _answer(index, result, options, deadline, 0.0)
    result = PartResult(None, None, True, "precheck", Status.INFEASIBLE)
    return _answer(index, result, options, deadline, 0.0, failed)


def _joined(index: ProblemIndex, results: list[PartResult], n: int) -> PartResult:
    """The parts' plans as one; bounds add up, optimal when every part is."""
    names = "+".join(sorted({r.strategy for r in results}))
    if any(r.plan is None for r in results) or len(results) < n:
        failed = next(r for r in results if r.plan is None)
        return PartResult(None, None, failed.proven, f"parts-{n}({names})", failed.status)
    teams = index.renumbered(t for r in results if r.plan for t in r.plan.teams)
    bounds = [r.bound for r in results]
    bound = None if None in bounds else sum(b for b in bounds if b is not None)
    plan = Allocation(status=Status.FEASIBLE, teams=teams)
    proven = all(r.proven for r in results)
    return PartResult(plan, bound, proven, f"parts-{n}({names})", Status.FEASIBLE)


def _answer(
    index: ProblemIndex,
    result: PartResult,
    options: SolveOptions,
    deadline: Deadline,
    solve_time: float,
    reasons: list[str] | None = None,
) -> Allocation:
    """The final Allocation: re-scored by the checker's own scoring, with status and bound."""
    common: dict[str, Any] = {
        "seed": options.seed,
        "workers": options.workers,
        "time_limit": deadline.limit,
        "ortools_version": version("ortools"),
        "strategy": result.strategy,
    }
    plan = result.plan
    if plan is None:
        why = reasons or _no_plan_reasons(index, result.status, deadline)
        status = Status.UNKNOWN if deadline.interrupted else result.status
        return Allocation(
            status=status,
            reasons=why,
            wall_time=deadline.elapsed(),
            solve_time=solve_time,
            **common,
        )
    terms = score(index.problem, plan)
    objective = sum(t.contribution for t in terms)
    bound = None if result.bound is None else max(objective, result.bound)
    proven = result.proven and bound is not None
    why = [_interrupted(deadline)] if deadline.interrupted and not proven else []
    unplaced = []
    if options.allow_unplaced:
        placed = {m for team in plan.teams for m in team.members}
        left_out = [p for p in index.problem.participants if p.id not in placed]
        unplaced = [explain_unplaced(index, p.id) for p in left_out]
        if left_out and not deadline.interrupted:
            limit = min(10.0, max(0.5, deadline.remaining()))
            why += diagnose_index(index, time_limit=limit).reasons()
    return Allocation(
        status=Status.OPTIMAL if proven else Status.FEASIBLE,
        teams=plan.teams,
        visits=plan.visits,
        objective=objective,
        best_bound=objective if proven else bound,
        gap=None if bound is None else abs(bound - objective) / max(1.0, abs(objective)),
        terms=terms,
        unplaced=unplaced,
        reasons=why,
        wall_time=deadline.elapsed(),
        solve_time=solve_time or plan.solve_time,
        **common,
    )


def _no_plan_reasons(index: ProblemIndex, status: Status, deadline: Deadline) -> list[str]:
    if deadline.interrupted:
        return [
            f"Interrupted ({deadline.stop.reason}) after {deadline.elapsed():.1f} s, "
            "before any allocation was found."
        ]
    if status is Status.INFEASIBLE:
        return diagnose_index(index, time_limit=min(10.0, deadline.limit)).reasons()
    if status is Status.INVALID:
        return ["CP-SAT rejected the model (a bug in icld-match: please report it)."]
    if needs_visits(index):  # cheap: the visits alone may already be impossible
        found = diagnose_visits(index, time_limit=min(2.0, deadline.limit))
        if found.feasible is False:
            return found.reasons()
    return [f"No allocation was found within the time limit of {deadline.limit:g} s."]


def _interrupted(deadline: Deadline) -> str:
    return (
        f"Interrupted ({deadline.stop.reason}) after {deadline.elapsed():.1f} s: "
        "this is the best allocation found so far, not proven optimal."
    )


def _options(
    seed: int, workers: int | None, log: bool, allow_unplaced: bool, strategy: str
) -> SolveOptions:
    workers = default_workers() if workers is None else workers
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}; expected one of {', '.join(STRATEGIES)}")
    return SolveOptions(seed, workers, log, allow_unplaced, strategy)  # type: ignore[arg-type]


def _interruptible(work: Callable[[], T], deadline: Deadline, relay: _Relay | None = None) -> T:
    """Run ``work`` in a helper thread; the main thread handles signals and ticks progress."""
    with _signals(deadline.stop), ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(work)
        ticks = 1
        while True:
            try:
                return future.result(timeout=0.05)
            except TimeoutError:
                pass
            if relay is not None and deadline.elapsed() >= ticks * _TICK:
                ticks += 1
                relay.tick(deadline)


class _Relay:
    """Passes progress on, noting whether a plan was reported (clock ticks stop then)."""

    def __init__(
        self,
        report: Callable[[Progress], None] | None,
        on_tick: Callable[[float, float], None] | None,
    ) -> None:
        self.report, self.on_tick, self.seen_plan = report, on_tick, False

    def __call__(self, progress: Progress) -> None:
        self.seen_plan = True
        if self.report is not None:
            self.report(progress)

    def tick(self, deadline: Deadline) -> None:
        if self.on_tick is not None and not self.seen_plan:
            self.on_tick(deadline.elapsed(), deadline.limit)


@contextmanager
def _signals(stop: StopFlag) -> Iterator[None]:
    """SIGINT/SIGTERM set the stop flag while solving (main thread only), then restored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = [signal.SIGINT, signal.SIGTERM]
    old = {sig: signal.getsignal(sig) for sig in wanted}

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set(signal.Signals(signum).name)

    for sig in wanted:
        signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, previous in old.items():
            signal.signal(sig, previous)
