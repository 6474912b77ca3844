"""The scoring maths of docs/DESIGN (shared/DESIGN.md, "The scoring maths"), as pure functions.

Nothing here touches the database: callers pass plain values in and get plain values out,
so the rules can be tested on their own, by property-based tests and against independent
implementations (Krippendorff's alpha against the `krippendorff` package).

1. A scorecard total is on 0–100: 100 × Σ w·(s − lo)/(hi − lo) / Σ w over the criteria with
   weight > 0 not marked N/A. A card whose every weighted criterion is N/A has no total.
2. An entry's raw score is the mean of its totals; with n, median, sample SD (n ≥ 2), min, max.
3. With judge-group shares: Σ share_g·mean_g / Σ share_g over the groups with a card for the
   entry. Judges in no group, or in a group with no share, form one group whose share is what
   the named shares leave (never below 0).
4. Normalised: a judge with ≥ 3 totals and a non-zero SD has each total mapped to
   M + S·(t − μ_j)/σ_j (M, S: mean and SD of all totals in the stage); other judges' totals
   are unchanged (and the result says which judges those are).
5. Agreement: Krippendorff's alpha, interval metric, entries as units, judges as coders, with a
   bootstrap 95% interval (entries resampled with replacement, 1,000 times, from a fixed seed);
   below 20 pairable values (scores of entries that two or more judges scored) it is "too
   little data to judge agreement", and no figure is given.
6. Flags: totals spanning 30 points or more; where the stage says how many it means to
   shortlist (k), an entry in the raw top k and not the normalised one, or the other way
   round; otherwise raw and normalised ranks at least max(2, 5% of the ranked entries) apart.
7. Ranking: highest first; scores equal to two decimals share a rank and are flagged as a tie,
   unless the stage breaks ties (by the median total, the other score, or one criterion's mean
   score): then only entries equal on that too share a rank.
   Only complete entries are ranked: those with at least the stage's minimum of scorecards
   (by default every scorecard expected of them), or that the chair chose to rank as they
   are. The others come after the ranked entries, unranked and flagged incomplete.
8. Voting: approvals counted; ranked ballots by Borda count (first of m ranked gets m points).
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import chain

import numpy as np

SPREAD_FLAG = 30.0
RANK_SHIFT_FLAG = 2  # at least this many places, or RANK_SHIFT_SHARE of the ranked entries
RANK_SHIFT_SHARE = 0.05
MIN_CARDS_TO_NORMALISE = 3
REST = None  # the group of judges in no group (or in a group without a share)
MIN_PAIRABLE_VALUES = 20  # fewer, and alpha says more about chance than about the judges
BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 20261130  # fixed: the same scores always give the same interval


@dataclass(frozen=True)
class Criterion:
    key: str
    weight: float
    scale_min: int
    scale_max: int


@dataclass(slots=True)
class Card:
    """A submitted scorecard: its judge, entry, the judge's group, and a value per criterion key
    (None for N/A). A caller holding many scorecards' totals already gives compute those instead
    (`totals`)."""

    judge: Hashable
    entry: Hashable
    scores: Mapping[str, int | None] = field(default_factory=dict)
    group: str | None = None

    def total(self, criteria) -> float | None:
        return card_total(self.scores, criteria)


def total_from_sums(weighted: float, weights: float) -> float | None:
    """A scorecard's total from Σ w·fraction and Σ w over its weighted criteria with a value (as
    the database adds them up): card_total's formula; None when no weighted criterion has one."""
    return 100.0 * weighted / weights if weights else None


def fraction(value: int, criterion) -> float:
    """Where a score sits on its criterion's scale, from 0 (the minimum) to 1 (the maximum)."""
    return (value - criterion.scale_min) / (criterion.scale_max - criterion.scale_min)


def card_total(scores: Mapping[str, int | None], criteria: Iterable[Criterion]) -> float | None:
    """The scorecard's total on 0–100, or None when no weighted criterion has a value."""
    weighted = total_weight = 0.0
    for criterion in criteria:
        weight = float(criterion.weight)
        value = scores.get(criterion.key)
        if weight <= 0 or value is None:
            continue
        weighted += weight * fraction(value, criterion)
        total_weight += weight
    if total_weight == 0:
        return None
    return 100.0 * weighted / total_weight


def mean(values: Iterable[float]) -> float | None:
    """The mean, or None when there are no values."""
    values = list(values)
    return statistics.fmean(values) if values else None


def sample_sd(values: list[float]) -> float | None:
    """The sample standard deviation (n − 1), or None below two values.

    In floats with fsum rather than statistics.stdev, which works in exact fractions and was
    half the time of ranking 5,000 entries; the two agree to about 1e-12. The squared
    deviations are worked out over an array (each the same single rounding as in plain Python)
    and only added up by fsum: the stage's 100,000 totals in a tenth of the time.
    """
    n = len(values)
    if n < 2:
        return None
    mean = math.fsum(values) / n
    deviations = np.asarray(values, dtype=float) - mean
    return math.sqrt(math.fsum((deviations * deviations).tolist()) / (n - 1))


def group_share(group: str | None, shares: Mapping[str, float]) -> float | None:
    """The share of the marks a judge's group holds: its own, or (a group without one, or no
    group) what the named groups leave; None when the stage gives no shares."""
    named = {name: float(share) for name, share in shares.items() if share is not None}
    if not named:
        return None
    return named[group] if group in named else max(0.0, 1.0 - sum(named.values()))


def normaliser_scales(totals_by_judge: Mapping[Hashable, list[float]]):
    """Rule 4's figures: the stage's mean and SD of all totals, and each judge's own mean and SD
    where they have at least MIN_CARDS_TO_NORMALISE totals with a spread. Returns (stage mean,
    stage SD, {judge: (mean, SD)} for the judges normalised, the judges left unchanged)."""
    every = [t for totals in totals_by_judge.values() for t in totals]
    stage_mean = math.fsum(every) / len(every) if every else 0.0
    stage_sd = sample_sd(every) or 0.0
    scales, unchanged = {}, set()
    for judge, totals in totals_by_judge.items():
        # Equal totals have no spread, though their SD in floats may come out a hair above 0.
        spread = len(totals) >= MIN_CARDS_TO_NORMALISE and min(totals) != max(totals)
        sd = sample_sd(totals) if spread else None
        if not sd:
            unchanged.add(judge)
            continue
        scales[judge] = (math.fsum(totals) / len(totals), sd)
    return stage_mean, stage_sd, scales, unchanged


def krippendorff_alpha(units: Mapping[Hashable, Mapping[Hashable, float]]) -> float | None:
    """Krippendorff's alpha, interval metric. `units` maps each unit (entry) to its values by coder (judge).

    Units with fewer than two values are not pairable and are left out. None when there is
    nothing to compare or no variation at all (alpha is undefined then).
    """
    pairable = [list(values.values()) for values in units.values() if len(values) >= 2]
    n = sum(len(values) for values in pairable)
    if n <= 1:
        return None
    observed = 0.0
    for values in pairable:
        m = len(values)
        # Σ over ordered pairs i ≠ j of (a − b)² = 2(m·Σv² − (Σv)²)
        observed += 2 * (m * sum(v * v for v in values) - sum(values) ** 2) / (m - 1)
    observed /= n
    everything = [v for values in pairable for v in values]
    expected = 2 * (n * sum(v * v for v in everything) - sum(everything) ** 2) / (n * (n - 1))
    if expected <= 1e-12:
        return None
    return 1.0 - observed / expected


def krippendorff_alpha_from_sums(units: Iterable[tuple[int, float, float]]) -> float | None:
    """Krippendorff's alpha (interval) from each unit's count, sum and sum of squares of its values.

    The same figure as krippendorff_alpha, for when the database has added the values up
    (800,000 scores need not come into Python one by one).
    """
    pairable = [(m, s, ss) for m, s, ss in units if m >= 2]
    n = sum(m for m, _, _ in pairable)
    if n <= 1:
        return None
    observed = sum(2 * (m * ss - s * s) / (m - 1) for m, s, ss in pairable) / n
    total, total_squares = sum(s for _, s, _ in pairable), sum(ss for _, _, ss in pairable)
    expected = 2 * (n * total_squares - total * total) / (n * (n - 1))
    if expected <= 1e-12:
        return None
    return 1.0 - observed / expected


@dataclass(frozen=True)
class Agreement:
    """Krippendorff's alpha with its bootstrap 95% interval, or why there is none."""

    alpha: float | None
    low: float | None
    high: float | None
    pairable_values: int  # values of units with two or more values
    pairable_units: int

    @property
    def enough(self) -> bool:
        return self.pairable_values >= MIN_PAIRABLE_VALUES and self.alpha is not None


def _resampled_alphas(chosen, per_unit):
    """Alpha (interval) of each resample: `chosen` holds one row of unit indices per resample,
    `per_unit` each unit's (count, sum, sum of squares, 2(m·Σv² − (Σv)²)/(m − 1)) as columns.
    A resample's sums are the sums of its units' figures (krippendorff_alpha_from_sums' formula):
    each column taken at the drawn indices and added up along the row (a column of 20,000 units
    stays in the processor's cache; counting the draws and multiplying took half as long again)."""
    n, total, total_squares, disagreement = (
        np.take(np.ascontiguousarray(column), chosen).sum(axis=1) for column in per_unit.T
    )
    observed = disagreement / n
    expected = 2 * (n * total_squares - total * total) / (n * (n - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expected > 1e-12, 1.0 - observed / np.where(expected > 1e-12, expected, 1.0), np.nan)


# How many drawn indices a block of resamples holds: 2 MB of them, which stay in the processor's
# cache while each of alpha's four columns is taken at them (blocks of 100 resamples of 20,000
# entries, 16 MB, took half as long again).
BOOTSTRAP_BLOCK = 250_000


def bootstrap_indices(units: int, resamples: int = BOOTSTRAP_RESAMPLES, seed: int = BOOTSTRAP_SEED):
    """Which units each resample takes (with replacement), one row per resample, in blocks of
    about BOOTSTRAP_BLOCK indices (at most 100 rows; all 1,000 resamples at once would hold
    hundreds of MB in a web request). The draws do not depend on the blocks: the generator
    gives the same numbers in the same order however many are asked for at a time."""
    rng = np.random.default_rng(seed)
    rows = max(1, min(100, BOOTSTRAP_BLOCK // max(units, 1)))
    for start in range(0, resamples, rows):
        yield rng.integers(0, units, size=(min(rows, resamples - start), units))


def agreement(units: Iterable[tuple[int, float, float]], *, resamples: int = BOOTSTRAP_RESAMPLES) -> Agreement:
    """Krippendorff's alpha from each unit's (count, sum, sum of squares) in a fixed order, with a
    bootstrap 95% interval: the units are resampled with replacement and alpha computed again;
    the interval runs from the 2.5th to the 97.5th percentile of those that are defined. Below
    MIN_PAIRABLE_VALUES no alpha is given at all (Agreement.enough is False)."""
    pairable = [(m, s, ss) for m, s, ss in units if m >= 2]
    values = sum(m for m, _, _ in pairable)
    if values < MIN_PAIRABLE_VALUES:
        return Agreement(None, None, None, values, len(pairable))
    alpha = krippendorff_alpha_from_sums(pairable)
    if alpha is None:
        return Agreement(None, None, None, values, len(pairable))
    m, s, ss = (np.array(column, dtype=float) for column in zip(*pairable, strict=True))
    per_unit = np.column_stack([m, s, ss, 2 * (m * ss - s * s) / (m - 1)])
    alphas = np.concatenate(
        [np.empty(0)] + [_resampled_alphas(chosen, per_unit) for chosen in bootstrap_indices(len(pairable), resamples)]
    )
    alphas = alphas[~np.isnan(alphas)]
    if not len(alphas):
        return Agreement(alpha, None, None, values, len(pairable))
    low, high = np.percentile(alphas, [2.5, 97.5])
    return Agreement(alpha, float(low), float(high), values, len(pairable))


def unit_sums(units: Mapping[Hashable, Mapping[Hashable, float]]) -> list[tuple[int, float, float]]:
    """Each unit's (count, sum, sum of squares), in the order of the units' keys as text, so the
    bootstrap resamples the same entries whatever order they were given in."""
    return [
        (len(values), sum(values.values()), sum(v * v for v in values.values()))
        for _, values in sorted(units.items(), key=lambda item: repr(item[0]))
    ]


def rank(
    scores: Mapping[Hashable, float | None], second: Mapping[Hashable, float | None] | None = None
) -> tuple[dict[Hashable, int], set[Hashable]]:
    """Competition ranks (1, 2, 2, 4) by score, highest first; scores equal to two decimals tie.
    `second`, where given, breaks ties: the higher second value (to two decimals) goes first, and
    only entries equal on both stay tied (an entry without a second value comes after those with
    one). Entries with no score come last, unranked. Returns (ranks, tied entries).

    Rounded by Python's round (exact decimal rounding; numpy's differs at the halves), then
    sorted and grouped over arrays: two rankings of 20,000 entries a page."""
    ranks, tied, _level = rank_with_level(scores, second)
    return ranks, tied


def rank_with_level(
    scores: Mapping[Hashable, float | None], second: Mapping[Hashable, float | None] | None = None
) -> tuple[dict[Hashable, int], set[Hashable], set[Hashable]]:
    """rank's (ranks, tied entries), and the entries level on score alone before `second` broke
    any ties: the ties of rank(scores), read off the same sort (by score first) rather than
    ranking again."""
    second = second or {}
    entries = [entry for entry, score in scores.items() if score is not None]
    if not entries:
        return {}, set(), set()
    by_score = np.array([round(scores[entry], 2) for entry in entries], dtype=float)
    others = [second.get(entry) for entry in entries]
    has_other = np.array([other is not None for other in others], dtype=bool)
    by_other = np.array([0.0 if other is None else round(other, 2) for other in others], dtype=float)
    names = np.empty(len(entries), dtype=np.intp)
    names[sorted(range(len(entries)), key=lambda i: repr(entries[i]))] = np.arange(len(entries))
    # Highest score first; then those with a second value, highest first; then by name.
    order = np.lexsort((names, -by_other, ~has_other, -by_score))
    score, has, other = by_score[order], has_other[order], by_other[order]
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = (score[1:] != score[:-1]) | (has[1:] != has[:-1]) | (other[1:] != other[:-1])
    group = np.cumsum(starts) - 1
    first = np.flatnonzero(starts)
    sizes = np.diff(np.append(first, len(order)))
    placed = first[group] + 1
    ranks = dict(zip((entries[i] for i in order.tolist()), placed.tolist(), strict=True))
    tied = {entries[i] for i in order[sizes[group] > 1].tolist()}
    # Level on score alone: runs of equal scores in the same order, whatever the second values.
    level_starts = np.ones(len(order), dtype=bool)
    level_starts[1:] = score[1:] != score[:-1]
    level_sizes = np.diff(np.append(np.flatnonzero(level_starts), len(order)))
    level = {entries[i] for i in order[level_sizes[np.cumsum(level_starts) - 1] > 1].tolist()}
    return ranks, tied, level


TIE_BREAKS = {
    "median": "the median total",
    "normalised": "the other score",
    "criterion": "the criterion",
}


@dataclass(slots=True)
class EntryResult:
    entry: Hashable
    totals: dict[Hashable, float] = field(default_factory=dict)  # judge -> total
    normalised_totals: dict[Hashable, float] = field(default_factory=dict)
    n: int = 0
    mean: float | None = None
    median: float | None = None
    sd: float | None = None
    low: float | None = None
    high: float | None = None
    score: float | None = None  # raw, with group shares where the stage has them
    normalised_score: float | None = None
    rank: int | None = None
    normalised_rank: int | None = None
    tie: bool = False
    tie_broken: bool = False  # level on score with another entry, separated by the tie-break
    expected: int | None = None  # scorecards expected (judges assigned, less conflicts), if known
    complete: bool = True  # has the scorecards the stage needs, so it is ranked
    included: bool = False  # ranked as it is, by the chair's choice, though incomplete
    flags: list[str] = field(default_factory=list)


@dataclass
class Results:
    entries: dict[Hashable, EntryResult]
    alpha: float | None
    alpha_by_criterion: dict[str, float | None]
    unnormalised_judges: set
    ordered_by: str  # "raw" or "normalised"
    agreement: Agreement | None = None
    agreement_by_criterion: dict[str, Agreement] = field(default_factory=dict)
    # Each judge's counted totals (rule 4's input), for the leniency table.
    judge_totals: dict[Hashable, list[float]] = field(default_factory=dict)

    def ordered(self) -> list[EntryResult]:
        """Entries in rank order by the chosen score; then the unranked (incomplete) by that
        score, highest first; unscored entries last."""
        key = "rank" if self.ordered_by == "raw" else "normalised_rank"
        score = "score" if self.ordered_by == "raw" else "normalised_score"

        def place(r: EntryResult):
            ranked = getattr(r, key)
            value = getattr(r, score)
            return (ranked is None, value is None, ranked or 0, -(value or 0.0), repr(r.entry))

        return sorted(self.entries.values(), key=place)


def required_scorecards(expected: int | None, minimum: int | None) -> int:
    """How many submitted scorecards an entry needs to be ranked: the stage's minimum where it
    sets one, else every scorecard expected of the entry; never fewer than one."""
    if minimum is not None:
        return max(1, minimum)
    return max(1, expected or 0)


def rank_shift_flagged(raw_rank: int | None, normalised_rank: int | None, ranked: int) -> bool:
    """Whether normalising moves an entry far enough to flag: at least max(2, 5% of the ranked
    entries) places, so the flag means as much in an award of 5 entries as in one of 500."""
    if raw_rank is None or normalised_rank is None:
        return False
    return abs(raw_rank - normalised_rank) >= max(RANK_SHIFT_FLAG, math.ceil(RANK_SHIFT_SHARE * ranked))


def changes_shortlist(raw_rank: int | None, normalised_rank: int | None, k: int) -> bool:
    """Whether the entry is in the top k by one score and not by the other."""
    in_raw = raw_rank is not None and raw_rank <= k
    in_normalised = normalised_rank is not None and normalised_rank <= k
    return in_raw != in_normalised


def compute(
    *,
    entries: Iterable[Hashable],
    cards: Iterable[Card] = (),
    criteria: list[Criterion],
    totals: Iterable[tuple[Hashable, Hashable, str | None, float | None]] = (),
    shares: Mapping[str, float] | None = None,
    order_by: str = "raw",
    criterion_sums: Mapping[str, Iterable[tuple[int, float, float]]] | None = None,
    expected: Mapping[Hashable, int] | None = None,
    minimum: int | None = None,
    included: Iterable[Hashable] = (),
    shortlist: int | None = None,
    tie_break: str | None = None,
    tie_values: Mapping[Hashable, float | None] | None = None,
) -> Results:
    """Everything the ranking page shows, from submitted scorecards. Pure: the same input, the same output.

    The scorecards come as `cards`, or, for a caller that holds their totals already (the
    ranking, 100,000 of them), as `totals`: each scorecard's (judge, entry, judge's group,
    total). `criterion_sums` (per criterion key, each entry's count, sum and sum of squares of
    its values) stands in for the scores when the cards carry only their totals.
    `expected` is how many scorecards each entry expects, `minimum` the stage's minimum to be
    ranked (None: all expected), `included` the incomplete entries the chair chose to rank,
    `shortlist` how many entries the panel means to shortlist. Without `expected`, every
    entry with a scorecard is complete. `tie_break` ("median", "normalised" or "criterion",
    with `tie_values` per entry for the criterion; None or "panel" for none) orders entries
    whose scores are equal; those equal on it too stay tied.

    The per-entry figures are worked out over arrays, a row per scorecard (DESIGN's rules, as
    tests/judging/reference_scoring.py writes them entry by entry; a property test holds the two
    together). Rows are sorted by entry, then total, before anything is added up, so an entry's
    sums are the same whatever order the scorecards came in: equal scores stay equal to the last
    digit, and ties are ties.
    """
    shares = shares or {}
    cards = list(cards)
    results = {entry: EntryResult(entry) for entry in entries}
    order = list(results)
    index = {entry: i for i, entry in enumerate(order)}
    # One row per judge and entry (a later scorecard of the same pair replaces an earlier one).
    latest: dict[tuple, float] = {}
    group_of: dict[Hashable, str | None] = {}
    for judge, entry, group, total in chain(((c.judge, c.entry, c.group, c.total(criteria)) for c in cards), totals):
        if entry not in index:
            continue
        group_of[judge] = group
        if total is not None:
            latest[judge, entry] = total
        else:
            latest.pop((judge, entry), None)
    count = len(latest)
    judge_column, entry_column = zip(*latest, strict=True) if count else ((), ())
    judges = list(dict.fromkeys(judge_column))
    judge_index = {judge: i for i, judge in enumerate(judges)}
    e = np.fromiter(map(index.__getitem__, entry_column), dtype=np.intp, count=count)
    j = np.fromiter(map(judge_index.__getitem__, judge_column), dtype=np.intp, count=count)
    t = np.fromiter(latest.values(), dtype=float, count=count)
    rows = np.lexsort((t, e))
    e, j, t = e[rows], j[rows], t[rows]

    # Rule 4: each judge's normaliser, in plain Python over each judge's totals (40 judges).
    by_judge_rows = np.argsort(j, kind="stable")
    cuts = np.cumsum(np.bincount(j, minlength=len(judges)))[:-1]
    by_judge = {
        judges[at]: totals.tolist() for at, totals in enumerate(np.split(t[by_judge_rows], cuts)) if len(totals)
    }
    stage_mean, stage_sd, scales, unchanged = normaliser_scales(by_judge)
    judge_mean = np.array([scales.get(judge, (0.0, 1.0))[0] for judge in judges], dtype=float)
    judge_sd = np.array([scales.get(judge, (0.0, 1.0))[1] for judge in judges], dtype=float)
    scaled = np.array([judge in scales for judge in judges], dtype=bool)
    nt = np.where(scaled[j], stage_mean + stage_sd * (t - judge_mean[j]) / judge_sd[j], t)
    normal_rows = np.lexsort((nt, e))

    size = len(order)
    raw = _entry_figures(e, t, size)
    normal = _entry_figures(e[normal_rows], nt[normal_rows], size)
    if any(share is not None for share in shares.values()):
        named = sorted(group for group, share in shares.items() if share is not None)
        pools = [*named, REST]
        pool_of = np.array(
            [pools.index(group_of[judge] if group_of[judge] in named else REST) for judge in judges], dtype=np.intp
        )
        weights = np.array([group_share(pool, shares) for pool in pools], dtype=float)
        raw_score = _grouped(e, pool_of[j], t, size, weights, raw.mean)
        normal_score = _grouped(e[normal_rows], pool_of[j[normal_rows]], nt[normal_rows], size, weights, normal.mean)
    else:
        raw_score, normal_score = raw.mean, normal.mean

    n = raw.n.tolist()
    figures = zip(
        order,
        n,
        *(column.tolist() for column in (raw.mean, raw.median, raw.sd, raw.low, raw.high, raw_score, normal_score)),
        strict=True,
    )
    raw_scores, normal_scores = {}, {}
    for entry, entry_n, mean_, median, sd, low, high, score, normalised_score in figures:
        result = results[entry]
        result.n = entry_n
        if not entry_n:
            raw_scores[entry] = normal_scores[entry] = None
            continue
        result.mean, result.median, result.low, result.high = mean_, median, low, high
        result.sd = sd if entry_n >= 2 else None
        result.score, result.normalised_score = score, normalised_score
        raw_scores[entry], normal_scores[entry] = score, normalised_score
    # Each entry's totals by judge: its run of rows.
    judge_keys = [judges[at] for at in j.tolist()]
    total_list, normalised_list = t.tolist(), nt.tolist()
    for entry, start, entry_n in zip(order, raw.start.tolist(), n, strict=True):
        if entry_n:
            end = start + entry_n
            results[entry].totals = dict(zip(judge_keys[start:end], total_list[start:end], strict=True))
            results[entry].normalised_totals = dict(zip(judge_keys[start:end], normalised_list[start:end], strict=True))

    medians = normal.median.tolist() if tie_break == "median" else []
    rank_and_flag(
        results,
        raw_scores,
        normal_scores,
        normal_medians={entry: medians[index[entry]] for entry in order} if medians else None,
        order_by=order_by,
        expected=expected,
        minimum=minimum,
        included=included,
        shortlist=shortlist,
        tie_break=tie_break,
        tie_values=tie_values,
    )

    # Agreement: the entries' (count, sum, sum of squares) of totals, in the order unit_sums gives.
    squares = np.bincount(e, weights=t * t, minlength=size).tolist()
    sums = raw.sum.tolist()
    units = [(n[i], sums[i], squares[i]) for i in sorted(range(size), key=lambda i: repr(order[i])) if n[i]]
    by_criterion: dict[str, float | None] = {}
    agreement_by_criterion: dict[str, Agreement] = {}
    if criterion_sums is not None:
        for c in criteria:
            criterion_units = list(criterion_sums.get(c.key, ()))
            by_criterion[c.key] = krippendorff_alpha_from_sums(criterion_units)
            agreement_by_criterion[c.key] = agreement(criterion_units, resamples=0)
    for criterion in criteria if criterion_sums is None else ():
        values: dict[Hashable, dict[Hashable, float]] = defaultdict(dict)
        for card in cards:
            value = card.scores.get(criterion.key)
            if value is not None and card.entry in results:
                values[card.entry][card.judge] = float(value)
        by_criterion[criterion.key] = krippendorff_alpha(values)
        agreement_by_criterion[criterion.key] = agreement(unit_sums(values), resamples=0)
    return Results(
        entries=results,
        alpha=krippendorff_alpha_from_sums(units),
        alpha_by_criterion=by_criterion,
        unnormalised_judges=unchanged,
        ordered_by=order_by,
        agreement=agreement(units),
        agreement_by_criterion=agreement_by_criterion,
        judge_totals=by_judge,
    )


def rank_and_flag(
    results: Mapping[Hashable, EntryResult],
    raw_scores: Mapping[Hashable, float | None],
    normal_scores: Mapping[Hashable, float | None],
    *,
    normal_medians: Mapping[Hashable, float | None] | None,
    order_by: str,
    expected: Mapping[Hashable, int] | None,
    minimum: int | None,
    included: Iterable[Hashable],
    shortlist: int | None,
    tie_break: str | None,
    tie_values: Mapping[Hashable, float | None] | None,
) -> None:
    """Rules 6 and 7 on entries whose figures are worked out: which are complete (or included as
    they are) and so ranked, their raw and normalised ranks with ties and the tie-break, and
    their flags. `normal_medians` (each entry's median normalised total) where the stage breaks
    ties by the median. Sets them on `results`."""
    included = set(included)
    for entry, result in results.items():
        if expected is not None:
            # A scorecard counted is one expected, even if its judge was taken off the entry since.
            result.expected = max(expected.get(entry, 0), result.n)
            result.complete = result.n >= required_scorecards(result.expected, minimum)
        else:
            result.complete = result.n > 0
        result.included = not result.complete and result.n > 0 and entry in included
    ranked = {entry for entry, result in results.items() if result.complete or result.included}
    raw_second = normal_second = None
    if tie_break == "median":
        raw_second = {entry: results[entry].median for entry in ranked}
        normal_second = {entry: normal_medians[entry] for entry in ranked}
    elif tie_break == "normalised":
        raw_second, normal_second = normal_scores, raw_scores
    elif tie_break == "criterion":
        raw_second = normal_second = tie_values or {}
    raw_ranks, raw_ties, raw_level = rank_with_level({entry: raw_scores[entry] for entry in ranked}, raw_second)
    normal_ranks, normal_ties, normal_level = rank_with_level(
        {entry: normal_scores[entry] for entry in ranked}, normal_second
    )
    # Ties before any tie-break, to say which entries it separated.
    level = raw_level if order_by == "raw" else normal_level
    for entry, result in results.items():
        result.rank, result.normalised_rank = raw_ranks.get(entry), normal_ranks.get(entry)
        result.tie = entry in (raw_ties if order_by == "raw" else normal_ties)
        result.tie_broken = entry in level and not result.tie
        if not result.complete:
            result.flags.append("included as it is" if result.included else "incomplete")
        if result.n and result.high - result.low >= SPREAD_FLAG:
            result.flags.append("judges disagree")
        if shortlist and changes_shortlist(result.rank, result.normalised_rank, shortlist):
            result.flags.append("normalisation changes the shortlist")
        elif rank_shift_flagged(result.rank, result.normalised_rank, len(ranked)):
            result.flags.append("rank moves when normalised")
        if result.tie:
            result.flags.append("tie")
        elif result.tie_broken:
            result.flags.append(f"tie broken by {TIE_BREAKS[tie_break]}")


@dataclass(frozen=True)
class _Figures:
    """Each entry's count, first row, sum, mean, median, sample SD, lowest and highest total, as arrays."""

    n: np.ndarray
    start: np.ndarray  # where the entry's rows begin
    sum: np.ndarray
    mean: np.ndarray
    median: np.ndarray
    sd: np.ndarray
    low: np.ndarray
    high: np.ndarray


def _entry_figures(e, t, size: int) -> _Figures:
    """Rule 2 for every entry at once. `e` holds each row's entry (sorted), `t` its total (sorted
    within the entry), so an entry's rows are one run and its median sits in the middle of it."""
    n = np.bincount(e, minlength=size)
    total = np.bincount(e, weights=t, minlength=size)
    scored = n > 0
    start = np.cumsum(n) - n
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(scored, total / np.maximum(n, 1), np.nan)
        deviation = t - mean[e]
        sd = np.sqrt(np.bincount(e, weights=deviation * deviation, minlength=size) / np.maximum(n - 1, 1))
    last = np.where(scored, start + n - 1, 0)
    middle = np.where(scored, start + n // 2, 0)
    below = np.where(scored & (n % 2 == 0), middle - 1, middle)
    if len(t):
        low, high = np.where(scored, t[start.clip(max=len(t) - 1)], np.nan), np.where(scored, t[last], np.nan)
        median = np.where(scored, (t[below] + t[middle]) / 2, np.nan)
    else:
        low = high = median = np.full(size, np.nan)
    return _Figures(n, start, total, mean, median, sd, low, high)


def _grouped(e, pool, t, size: int, weights, plain):
    """Rule 3 for every entry at once: Σ share·mean over the pools (named groups, then the rest)
    with a scorecard for the entry, over the shares of those pools; where those hold no share,
    the plain mean. `e` sorted, `t` sorted within each entry."""
    pools = len(weights)
    cell = e * pools + pool
    n = np.bincount(cell, minlength=size * pools).reshape(size, pools)
    total = np.bincount(cell, weights=t, minlength=size * pools).reshape(size, pools)
    present = n > 0
    means = np.where(present, total / np.maximum(n, 1), 0.0)
    held = present @ weights
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(held > 0, (means * weights * present).sum(axis=1) / np.where(held > 0, held, 1.0), plain)


def approval_counts(ballots: Iterable[Iterable[Hashable]]) -> dict[Hashable, int]:
    """Approval voting: how many ballots approve each entry."""
    counts: dict[Hashable, int] = defaultdict(int)
    for approved in ballots:
        for entry in set(approved):
            counts[entry] += 1
    return dict(counts)


def borda_points(ballots: Iterable[list[Hashable]]) -> dict[Hashable, int]:
    """Ranked ballots (each a list, first choice first): on a ballot ranking m entries the first
    gets m points and the last 1."""
    points: dict[Hashable, int] = defaultdict(int)
    for ranking in ballots:
        m = len(ranking)
        for position, entry in enumerate(ranking):
            points[entry] += m - position
    return dict(points)


def agreement_words(agreement: Agreement | None) -> str:
    """What the panel reads about agreement: too little data, or the reading of alpha."""
    if agreement is None or agreement.pairable_values < MIN_PAIRABLE_VALUES:
        values = agreement.pairable_values if agreement else 0
        return (
            f"Too little data to judge agreement: {values} score{'' if values == 1 else 's'} of entries "
            f"that two or more judges scored (at least {MIN_PAIRABLE_VALUES} needed)."
        )
    return agreement_reading(agreement.alpha)


def agreement_reading(alpha: float | None) -> str:
    """A plain-language reading of alpha, for the chair (Krippendorff's own thresholds)."""
    if alpha is None or math.isnan(alpha):
        return "Not enough overlapping scorecards to measure agreement."
    if alpha >= 0.8:
        return "Judges agree closely: the ranking is a reliable guide."
    if alpha >= 0.667:
        return "Judges broadly agree: the ranking is a fair guide, but look at flagged entries."
    if alpha >= 0.4:
        return "Judges agree only in part: discuss the flagged entries before deciding."
    return "Judges disagree a lot: treat the ranking with caution and discuss it as a panel."
