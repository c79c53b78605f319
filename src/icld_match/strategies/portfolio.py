"""The anytime portfolio: a plan first, then improvements that never make it worse.

Order, for one problem (or one independent part):

1. constructions (greedy) give a valid plan within a fraction of a second;
2. a tiny exact model (a cohort) is solved at once: it is proven optimal in hundredths;
3. otherwise decompose (one cohort, then pairs, re-solved exactly against the rest), then
   large-neighbourhood search over clusters of coupled cohorts;
4. whenever the exact model is small enough to help (``EXACT_LIMIT``), it gets the rest
   of the time, warm-started from the best plan: it keeps that plan, may improve it, and
   is the only source of a proven bound (and of a proof of optimality);
5. when the exact model is too large, decompose and LNS repeat with new seeds until time
   is up.

The incumbent only ever changes to a strictly better plan (in relaxed mode: more people
placed, then a better objective), so the answer is never worse than the construction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ..analysis.check import objective as objective_of
from ..engine.bounds import upper_bound
from ..engine.bounds.lp import lp_pays
from ..engine.cpsat import Outcome, exact_size
from ..engine.model import slot_matrix
from ..index.problem_index import ProblemIndex
from ..records.result import Allocation, Status
from .calendar import fixed_days, valid_for
from .construction import Construct, placed
from .context import Context, Strategy
from .decompose import Decompose, setup_time
from .exact import EXACT_LIMIT, Exact, better
from .lns import Lns
from .parts import PartResult
from .visits import needs_visits, with_visits

#: Exact models up to this many literals go straight after the construction.
SMALL_EXACT = 6_000
#: Shares of the remaining time for decompose and LNS before the exact model takes over.
DECOMPOSE_SHARE, LNS_SHARE = 0.4, 0.2
#: Seconds the exact model needs at least to be worth starting after the neighbourhoods.
EXACT_MIN_TIME = 5.0
#: Below this many seconds left (after the construction) decompose runs alone: it has
#: not converged by then on a season, so time given to LNS or a restart is lost.
SHORT_RUN = 3.0
#: With this many workers or more, and time for the exact model, decompose gets only
#: this share and LNS none: the exact model gets the rest. Measured on ``season`` at
#: 10 s, 2 workers: 99.02 / 100.00 (proven) / 99.32 % of the optimum with proven gaps
#: of 1.5 / 0 / 1.1 %, against 99.13 / 99.31 / 99.49 % and 3.4 / 2.5 / 1.7 % with
#: decompose, LNS and the bound module. Not with one worker (its LP bound needs about
#: 8 s, so the plan lost up to 0.4 points for a bound that came too late on s0: gap
#: 6.4 %), nor for the fixed days of windowed cohorts (the exact model's bound does not
#: hold for the windows: plans 0.1-0.7 points lower and no bound).
EXACT_FIRST_SHARE = 0.15
EXACT_FIRST_WORKERS = 2
#: ... and only up to this many assignment literals (the seasons have 7,400-16,800): on
#: scarce-500 (48,674) at 60 s it gave 459.718 against 463.761 from decompose and LNS.
EXACT_FIRST_LIMIT = 30_000


class Portfolio:
    """Strategy: every other strategy in turn, keeping the best plan."""

    name = "portfolio"

    def __init__(self, *, exact_first: bool = False, final: bool = True) -> None:
        #: Does the exact model get the time after a short decompose (EXACT_FIRST_SHARE)?
        #: Decided once, before the construction, with the bound module's reservation.
        self.exact_first = exact_first
        #: Is this portfolio's plan the answer? Not when the joint model of windows
        #: follows from it: a short run then keeps the plain decompose (see
        #: MIDDLE_SHORTLIST: its middle stage cost season-full up to 1.2 points there).
        self.final = final
        self.chain: list[str] = []
        #: The exact model's last outcome on this problem (bound, proof), if it ran.
        self.exact: Outcome | None = None
        self._keys: dict[int, tuple[Allocation, tuple[int, float]]] = {}
        self._swept = False  # a first, coarse decompose pass has run
        self._short = False  # a short run (SHORT_RUN): decompose has all the time

    def _decompose(self) -> Decompose:
        """The first decompose of a solve starts with a coarse pass (and, in a short run, a
        middle one); later ones do not."""
        first, self._swept = not self._swept, True
        return Decompose(coarse=first, short=self._short)

    def label(self) -> str:
        return f"portfolio({'>'.join(self.chain)})" if self.chain else "portfolio"

    def _key(self, index: ProblemIndex, plan: Allocation, ctx: Context) -> tuple[int, float]:
        """Placed people (relaxed mode only), then the objective; cached per plan."""
        if id(plan) not in self._keys:
            people = placed(plan) if ctx.options.allow_unplaced else 0
            self._keys[id(plan)] = (plan, (people, round(objective_of(index.problem, plan), 6)))
        return self._keys[id(plan)][1]

    def _try(
        self, strategy: Strategy, index: ProblemIndex, best: Allocation | None, ctx: Context
    ) -> Allocation | None:
        """Run one strategy from ``best``; keep its plan only when strictly better."""
        found = strategy.run(index, best, ctx)
        if isinstance(strategy, Exact):
            self.exact = strategy.outcome
        if found is None or found.status not in (Status.OPTIMAL, Status.FEASIBLE):
            return best
        # plans are compared with their study visits (visit_fit), planned for their teams
        found = with_visits(index, found, ctx.deadline)
        if found is None:  # these teams leave no room for the visits
            return best
        if best is not None and self._key(index, found, ctx) <= self._key(index, best, ctx):
            if isinstance(strategy, Exact) and found.status is Status.OPTIMAL:
                self.chain.append(strategy.name)  # the proof is the exact model's work
            return best
        if not self.chain or self.chain[-1] != strategy.name:
            self.chain.append(strategy.name)
        if not ctx.options.allow_unplaced:  # a better plan, as returned: with its visits
            ctx.report(self._key(index, found, ctx)[1], strategy.name)
        return found

    def run(
        self, index: ProblemIndex, incumbent: Allocation | None, ctx: Context
    ) -> Allocation | None:
        best = self._try(Construct(), index, incumbent, ctx)
        size = exact_size(index)
        if size <= SMALL_EXACT and not ctx.deadline.expired():
            return self._try(Exact(), index, best, ctx)
        if size <= EXACT_LIMIT:
            return self._refine_then_exact(index, best, ctx)
        if best is None and not ctx.deadline.expired():
            # the greedy rule got stuck: CP-SAT on each participant's best hosts instead
            best = self._try(Shortlist(), index, best, ctx)
        return self._search(index, best, ctx)

    def _refine_then_exact(
        self, index: ProblemIndex, best: Allocation | None, ctx: Context
    ) -> Allocation | None:
        if best is not None and ctx.deadline.remaining() < SHORT_RUN:
            # too short for LNS and the exact model: one decompose sweep gets all of it
            # (a restart would re-solve, first, the cohorts already at their optimum)
            self._short = self.final
            return self._search(index, best, ctx)
        if best is not None and self.exact_first:
            # decided with the bound module left out: the exact model runs whatever is
            # left after the short decompose, as its bound is the only one
            whole = ctx.deadline
            ctx.deadline = whole.share(EXACT_FIRST_SHARE)
            best = self._try(self._decompose(), index, best, ctx)
            ctx.deadline = whole
            return self._try(Exact(), index, best, ctx) if not whole.expired() else best
        if best is not None:
            whole = ctx.deadline
            ctx.deadline = whole.share(DECOMPOSE_SHARE)
            best = self._try(self._decompose(), index, best, ctx)
            ctx.deadline = whole.share(LNS_SHARE / (1 - DECOMPOSE_SHARE))
            best = self._try(Lns(), index, best, ctx)
            ctx.deadline = whole
        if ctx.deadline.remaining() < EXACT_MIN_TIME and best is not None:
            # too little time for the exact model to get past its presolve and LP: the
            # neighbourhoods use it better (season, 1 worker: no bound in 4 s)
            return self._search(index, best, ctx)
        if not ctx.deadline.expired():
            best = self._try(Exact(), index, best, ctx)
        return best

    def _search(
        self, index: ProblemIndex, best: Allocation | None, ctx: Context
    ) -> Allocation | None:
        """Decompose and LNS, again with a new seed each round, until time is up."""
        if best is None:
            return None
        options = ctx.options
        round_ = 0
        # (decompose and LNS start nothing with less than their setup time left)
        while not ctx.deadline.expired(margin=max(0.05, setup_time(index))):
            ctx.options = replace(options, seed=options.seed + round_)
            before = self._key(index, best, ctx)
            best = self._try(self._decompose(), index, best, ctx) or best
            best = self._try(Lns(), index, best, ctx) or best
            if self._key(index, best, ctx) == before:
                round_ += 1  # converged: the next round looks at other neighbourhoods
                if round_ > 50:
                    break
        ctx.options = options
        return best


def exact_first(index: ProblemIndex, ctx: Context) -> bool:
    """Whether the exact model gets most of the time, after a short decompose."""
    remaining = ctx.deadline.remaining() * (1 - EXACT_FIRST_SHARE)
    return (  # the model's size last: it is the only condition that costs (ms at 10,000)
        ctx.options.workers >= EXACT_FIRST_WORKERS
        and remaining >= EXACT_MIN_TIME
        and SMALL_EXACT < exact_size(index) <= EXACT_FIRST_LIMIT
    )


class Sequence:
    """Strategy: the construction, then one improver (``strategy="decompose"``)."""

    def __init__(self, improver: Strategy) -> None:
        self.improver = improver
        self.name = improver.name

    def run(
        self, index: ProblemIndex, incumbent: Allocation | None, ctx: Context
    ) -> Allocation | None:
        start = incumbent or Construct().run(index, None, ctx)
        if start is None:
            # the greedy rule got stuck: CP-SAT on each participant's best hosts instead
            fallback = Shortlist()
            found = fallback.run(index, None, ctx)
            self.name = fallback.name
            return found
        return self.improver.run(index, start, ctx)


class Shortlist:
    """Strategy: the greedy plan, then CP-SAT on each participant's best few hosts."""

    def __init__(self) -> None:
        self.name = "shortlist"

    def run(
        self, index: ProblemIndex, incumbent: Allocation | None, ctx: Context
    ) -> Allocation | None:
        start = incumbent or Construct().run(index, None, ctx)
        keep = shortlist_size(index)
        self.name = f"shortlist-{keep}"
        anchor = index.pairs_of(start) if start is not None else None
        found = Exact(light=True).run(index.shortlisted(keep, anchor), start, ctx)
        if start is None or (
            found is not None
            and found.objective is not None
            and found.objective > objective_of(index.problem, start)
        ):
            return found
        return start


#: Assignment literals a shortlisted model aims at.
SHORTLIST_TARGET = 40_000


def shortlist_size(index: ProblemIndex) -> int:
    """Hosts kept per participant so that the model has about SHORTLIST_TARGET literals."""
    slots_per_host = max(1.0, float(slot_matrix(index).mean()))
    wanted = SHORTLIST_TARGET / (index.n_participants * slots_per_host)
    return int(min(30, max(6, wanted)))


#: A proven upper bound from outside CP-SAT: (index, deadline as a ``time.perf_counter()``
#: value, seed, objective of the plan in hand, workers) -> bound or None.
BoundProvider = Callable[[ProblemIndex, float, int, float, int], float | None]


def lagrangian_bound(
    index: ProblemIndex, at: float, seed: int, target: float, workers: int
) -> float | None:
    """The bound module's answer (LP relaxation, then Lagrangian prices on shared host
    capacity; see :mod:`icld_match.engine.bounds`), aimed at the plan in hand."""
    found = upper_bound(index, deadline=at, seed=seed, target=target, workers=workers)
    return None if found is None else found.value


BOUND_PROVIDER: BoundProvider | None = lagrangian_bound
#: Share of the time kept for the bound provider when the exact model proved nothing.
BOUND_SHARE = 0.2
#: Below this many seconds left no time is kept for the bound provider: a fifth of a
#: short budget buys no useful bound and is the search's largest single loss (season,
#: 1 s: the whole improvement phase was 0.3 s of decompose).
BOUND_MIN_TIME = 2.0


#: Seconds per participant the answer takes once the search is over (the last plan's
#: objective, then the answer's re-scoring by the referee's rules: 0.15 s each at 10,000
#: participants).
ANSWER_TIME_PER_PERSON = 3e-5
#: Seconds per participant the bound provider needs before it can answer (its setup and
#: the closed form: 1.7 s at 10,000 participants); with less time left it would only
#: overrun the limit (stress-10000 at 10 s ended 1.2 s late). The time kept for it is at
#: least BOUND_SETUP_MARGIN x that, so that a search ending a little late leaves enough.
BOUND_SETUP_PER_PERSON, BOUND_SETUP_MARGIN = 2e-4, 1.5
#: Most of the time left that is kept for the answer and the final plan's study visits.
FINISH_SHARE = 0.1


def finish_time(index: ProblemIndex) -> float:
    """Seconds kept after the search for the answer and, with study visits, for planning
    the final plan's visits: on ``season-full`` that model took 19 ms with 520 (host,
    day) options and 41 ms with 1,560 when it was built for each plan; built once
    (``VisitsModel``) a plan takes 18-24 ms, and the final plan usually keeps the visits
    it has (a 5 ms check), so this is now an upper bound, kept as measured."""
    answer = ANSWER_TIME_PER_PERSON * index.n_participants
    if not needs_visits(index):
        return answer
    return answer + 0.02 + 3e-5 * sum(len(options) for options in index.visits.options)


def run_named(index: ProblemIndex, incumbent: Allocation | None, ctx: Context) -> PartResult:
    """Run the strategy the options name; say what produced the plan and what is proven.

    The bound is the smaller of CP-SAT's (when the exact model ran on this problem) and the
    bound provider's (when one is wired in; it gets the last BOUND_SHARE of the time).
    The search ends early enough for the answer to come on time (``finish_time``).
    """
    outer = ctx.deadline
    ctx.deadline = outer.less(min(FINISH_SHARE * outer.remaining(), finish_time(index)))
    try:
        return _run_named(index, incumbent, ctx)
    finally:
        ctx.deadline = outer


def _run_named(index: ProblemIndex, incumbent: Allocation | None, ctx: Context) -> PartResult:
    whole = ctx.deadline
    # the bound is on the weighted objective with everybody placed: not for relaxed mode
    provider = None if ctx.options.allow_unplaced else BOUND_PROVIDER
    bounded = index
    if index.has_windows:
        # a relaxation: windowed cohorts share no day with others (any start they may
        # take is open to them); per team, the bound's cohort models would count a host's
        # people over every round at once, which is too tight: no bound then
        per_cohort = index.problem.rules.internship_dates == "per_cohort"
        provider, bounded = (provider, index.days_apart()) if per_cohort else (None, index)
    kept = _bound_time(index, whole.remaining())
    if whole.remaining() < BOUND_MIN_TIME or kept is None:
        provider = None
    early = ctx.options.strategy == "auto" and not index.has_windows and exact_first(index, ctx)
    if early:
        provider = None  # the exact model gets the time and gives CP-SAT's bound
    if provider is not None:
        ctx.deadline = whole.less(kept or 0.0)
    plan, label, exact = _run_strategy(index, incumbent, ctx, exact_first=early)
    ctx.deadline = whole
    if plan is not None and needs_visits(index):
        plan, label, exact = _visits_for(index, plan, label, exact, ctx)
    if plan is None:
        status = exact.status if exact is not None else Status.UNKNOWN
        return PartResult(None, None, status is Status.INFEASIBLE, label, status)
    bound = exact.bound if exact is not None and exact.found else None
    proven = exact is not None and exact.status is Status.OPTIMAL
    if proven and exact is not None:
        # the proof holds for the plan kept only if it is as good as the exact optimum
        value = objective_of(index.problem, plan)
        proven = value >= (exact.objective or value) - 1e-6
    if (
        provider is not None
        and not proven
        and not whole.expired()
        and _bound_pays(index, whole.remaining())
    ):
        value = objective_of(index.problem, plan)  # (0.15 s at 10,000: only when needed)
        extra = provider(bounded, whole.at, ctx.options.seed, value, ctx.options.workers)
        if extra is not None:
            bound = extra if bound is None else min(bound, extra)
            proven = extra <= value + 1e-6
    return PartResult(plan, bound, proven, label, Status.FEASIBLE)


def _bound_time(index: ProblemIndex, remaining: float) -> float | None:
    """Seconds kept for the bound provider: BOUND_SHARE of ``remaining``, or only its
    setup when its LP would not pay in that share (stress-10000 at 60 s: the closed form
    is all it gives; the rest goes to the search); None when not even the setup fits."""
    share = BOUND_SHARE * remaining
    setup = BOUND_SETUP_MARGIN * BOUND_SETUP_PER_PERSON * index.n_participants
    if share < setup:
        return None
    return share if lp_pays(index.n_participants, share) else setup


def _bound_pays(index: ProblemIndex, seconds: float) -> bool:
    """Whether ``seconds`` leave the bound provider time for its setup at this size."""
    return seconds > 0 and seconds >= BOUND_SETUP_PER_PERSON * index.n_participants


def _visits_for(
    index: ProblemIndex,
    plan: Allocation,
    label: str,
    exact: Outcome | None,
    ctx: Context,
) -> tuple[Allocation | None, str, Outcome | None]:
    """The plan with its study visits (those it has, when they hold: the portfolio
    planned them for its teams, with windows on the same days); when its teams leave no
    room for them, the exact model plans teams and visits together (warm-started from
    the plan's teams)."""
    planned = with_visits(index, plan, ctx.deadline, keep=True)
    if planned is not None:
        return planned, label, exact
    solver = Exact()
    found = solver.run(index, plan, ctx)
    return found, f"{label}>exact", solver.outcome


def _run_strategy(
    index: ProblemIndex,
    incumbent: Allocation | None,
    ctx: Context,
    *,
    exact_first: bool = False,
    final: bool = True,
) -> tuple[Allocation | None, str, Outcome | None]:
    """The plan of the named strategy, its label, and the exact model's outcome if it ran
    (``exact_first``: the portfolio hands most of the time to the exact model; ``final``:
    its plan is the answer, no joint model of windows follows)."""
    name = ctx.options.strategy
    if index.has_windows:
        return _run_windows(index, incumbent, ctx)
    if name == "auto":
        portfolio = Portfolio(exact_first=exact_first, final=final)
        plan = portfolio.run(index, incumbent, ctx)
        return plan, portfolio.label(), portfolio.exact
    if name == "exact":
        solver = Exact()
        return solver.run(index, incumbent, ctx), "exact", solver.outcome
    strategy: Strategy = Sequence(Decompose()) if name == "decompose" else Shortlist()
    plan = strategy.run(index, incumbent, ctx)
    return plan, strategy.name, None


#: Share of the time the fixed-days portfolio gets before the joint exact model.
FIXED_DAYS_SHARE = 0.5
#: Seconds the joint exact model (choosing the days) needs at least on a problem above
#: SMALL_EXACT; with less, the fixed-days portfolio gets the whole budget. Measured on
#: ``season-full`` (1 worker): building that model alone takes about 1 s; at 10 s the
#: fixed-days portfolio given all the time ended 2-5 % higher than 3 s of it followed
#: by 7 s of the joint model, and at 30 s 0.1-3 % higher than 9 s + 21 s. With a minute
#: the joint model pays (it proved season-full-s1 optimal in 52 s at 2 workers).
WINDOWS_EXACT_MIN_TIME = 40.0
#: With EXACT_FIRST_WORKERS or more, since CP-SAT runs with probing off and one presolve
#: round, the joint model pays from 10 s budgets (about 8 s left once the bound module's
#: fifth is kept) when the fixed-days portfolio gets the first 30 %: ``season-full`` at
#: 10 s, 2 workers, two runs: 98.84-98.98 / 99.36-99.58 /
#: 100.46-100.55 % of the best known (s2 above it), proven gaps 4.8-6.7 / 0.7-1.2 /
#: 2.6-3.3 %, against 98.55-98.77 / 98.78 / 99.78 % and 6.7-7.0 / 3.9 / 4.0 % without
#: it. With one worker it still cost (98.12 / 98.59 / 99.69 % against 98.83 / 98.78 /
#: 99.71 %), so the 40 s above stay.
WINDOWS_EXACT_MIN_TIME_MANY, FIXED_DAYS_SHARE_MANY = 5.0, 0.3


def _joint_share(index: ProblemIndex, remaining: float, workers: int) -> float | None:
    """The fixed-days portfolio's share of ``remaining`` seconds when the joint exact
    model gets the rest; None when the joint model does not run."""
    if not Exact.fits(index):
        return None
    if exact_size(index) <= SMALL_EXACT:
        return FIXED_DAYS_SHARE
    if workers >= EXACT_FIRST_WORKERS and remaining >= WINDOWS_EXACT_MIN_TIME_MANY:
        return FIXED_DAYS_SHARE_MANY
    return FIXED_DAYS_SHARE if remaining >= WINDOWS_EXACT_MIN_TIME else None


def _run_windows(
    index: ProblemIndex, incumbent: Allocation | None, ctx: Context
) -> tuple[Allocation | None, str, Outcome | None]:
    """Days picked first and the normal portfolio on them (greedy, decompose, LNS plan
    fixed dates only), then, when there is time for it, the exact model choosing every
    team's days jointly, hinted with that plan; the better valid plan wins (see
    :mod:`.calendar`)."""
    whole = ctx.deadline
    share = _joint_share(index, whole.remaining(), ctx.options.workers)
    joint = share is not None
    fixed = ProblemIndex.build(fixed_days(index))
    ctx.deadline = whole.share(1.0 if share is None else share)
    first, label, _ = _run_strategy(fixed, None, ctx, final=not joint)
    ctx.deadline = whole
    first = valid_for(index.problem, first, ctx.options.allow_unplaced)
    hint = incumbent if incumbent is not None else first
    if not joint or whole.expired():
        return first, f"fixed-days({label})", None
    solver = Exact()
    plan = solver.run(index, hint, ctx)
    if first is not None and (plan is None or not better(index, plan, first)):
        return first, f"fixed-days({label})", solver.outcome
    return plan, f"fixed-days({label})>exact(windows)", solver.outcome
