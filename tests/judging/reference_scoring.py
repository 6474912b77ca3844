"""The ranking's per-entry figures as they were first written: entry by entry in plain Python,
straight from DESIGN's rules. Kept as the reference that judging.scoring.compute (the same maths
over arrays, for 20,000 entries) must agree with on every input hypothesis finds; both rank and
flag with judging.scoring.rank_and_flag."""

import statistics
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping

from judging.scoring import (
    REST,
    Agreement,
    Card,
    Criterion,
    EntryResult,
    Results,
    agreement,
    group_share,
    krippendorff_alpha,
    krippendorff_alpha_from_sums,
    normaliser_scales,
    rank_and_flag,
    sample_sd,
    unit_sums,
)


def grouped_score(totals_by_group: Mapping[str | None, list[float]], shares: Mapping[str, float]) -> float | None:
    """An entry's score from its totals by group, weighting each group's mean by its share.

    Without shares it is the plain mean of all totals.
    """
    every = [t for totals in totals_by_group.values() for t in totals]
    if not every:
        return None
    named = {group: float(share) for group, share in shares.items() if share is not None}
    if not named:
        return statistics.fmean(every)
    pooled: dict[str | None, list[float]] = defaultdict(list)
    for group, totals in totals_by_group.items():
        pooled[group if group in named else REST].extend(totals)
    weights = {group: group_share(group, named) for group in pooled if pooled[group]}
    total_share = sum(weights.values())
    if total_share <= 0:
        # Only judges without a share scored this entry: their mean is all there is.
        return statistics.fmean(every)
    return sum(weights[group] * statistics.fmean(pooled[group]) for group in weights) / total_share


def normalisers(totals_by_judge: Mapping[Hashable, list[float]]):
    """For each judge, a function mapping their totals onto the stage's scale (identity when they
    have too few cards or no spread). Returns (functions, judges left unchanged)."""
    stage_mean, stage_sd, scales, unchanged = normaliser_scales(totals_by_judge)
    functions = {judge: (lambda total: total) for judge in unchanged}
    for judge, (mean, sd) in scales.items():
        functions[judge] = lambda total, mean=mean, sd=sd: stage_mean + stage_sd * (total - mean) / sd
    return functions, unchanged


def reference_compute(
    *,
    entries: Iterable[Hashable],
    cards: Iterable[Card],
    criteria: list[Criterion],
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

    `criterion_sums` (per criterion key, each entry's count, sum and sum of squares of its
    values) stands in for the scores when the cards carry only their weighted sums.
    `expected` is how many scorecards each entry expects, `minimum` the stage's minimum to be
    ranked (None: all expected), `included` the incomplete entries the chair chose to rank,
    `shortlist` how many entries the panel means to shortlist. Without `expected`, every
    entry with a scorecard is complete. `tie_break` ("median", "normalised" or "criterion",
    with `tie_values` per entry for the criterion; None or "panel" for none) orders entries
    whose scores are equal; those equal on it too stay tied.
    """
    shares = shares or {}
    results = {entry: EntryResult(entry) for entry in entries}
    cards = [card for card in cards if card.entry in results]
    totals_by_judge: dict[Hashable, list[float]] = defaultdict(list)
    group_of: dict[Hashable, str | None] = {}
    for card in cards:
        total = card.total(criteria)
        group_of[card.judge] = card.group
        if total is None:
            continue
        results[card.entry].totals[card.judge] = total
        totals_by_judge[card.judge].append(total)
    functions, unchanged = normalisers(totals_by_judge)
    shared = any(share is not None for share in shares.values())

    raw_scores, normal_scores = {}, {}
    for entry, result in results.items():
        values = list(result.totals.values())
        result.n = len(values)
        if not values:
            raw_scores[entry] = normal_scores[entry] = None
            continue
        result.mean = statistics.fmean(values)
        result.median = statistics.median(values)
        result.sd = sample_sd(values)
        result.low, result.high = min(values), max(values)
        result.normalised_totals = {judge: functions[judge](total) for judge, total in result.totals.items()}
        if not shared:
            # grouped_score without shares is the plain mean (fmean's sum is exact, so in any order).
            result.score = result.mean
            result.normalised_score = statistics.fmean(result.normalised_totals.values())
        else:
            by_group: dict[str | None, list[float]] = defaultdict(list)
            normal_by_group: dict[str | None, list[float]] = defaultdict(list)
            for judge, total in result.totals.items():
                by_group[group_of[judge]].append(total)
                normal_by_group[group_of[judge]].append(result.normalised_totals[judge])
            result.score = grouped_score(by_group, shares)
            result.normalised_score = grouped_score(normal_by_group, shares)
        raw_scores[entry], normal_scores[entry] = result.score, result.normalised_score

    rank_and_flag(
        results,
        raw_scores,
        normal_scores,
        normal_medians={
            entry: statistics.median(result.normalised_totals.values()) if result.normalised_totals else None
            for entry, result in results.items()
        },
        order_by=order_by,
        expected=expected,
        minimum=minimum,
        included=included,
        shortlist=shortlist,
        tie_break=tie_break,
        tie_values=tie_values,
    )

    units = {entry: result.totals for entry, result in results.items()}
    by_criterion: dict[str, float | None] = {}
    agreement_by_criterion: dict[str, Agreement] = {}
    if criterion_sums is not None:
        for c in criteria:
            sums = list(criterion_sums.get(c.key, ()))
            by_criterion[c.key] = krippendorff_alpha_from_sums(sums)
            agreement_by_criterion[c.key] = agreement(sums, resamples=0)
    for criterion in criteria if criterion_sums is None else ():
        values: dict[Hashable, dict[Hashable, float]] = defaultdict(dict)
        for card in cards:
            value = card.scores.get(criterion.key)
            if value is not None:
                values[card.entry][card.judge] = float(value)
        by_criterion[criterion.key] = krippendorff_alpha(values)
        agreement_by_criterion[criterion.key] = agreement(unit_sums(values), resamples=0)
    return Results(
        entries=results,
        alpha=krippendorff_alpha(units),
        alpha_by_criterion=by_criterion,
        unnormalised_judges=unchanged,
        ordered_by=order_by,
        agreement=agreement(unit_sums(units)),
        agreement_by_criterion=agreement_by_criterion,
    )


def reference_rank(
    scores: Mapping[Hashable, float | None], second: Mapping[Hashable, float | None] | None = None
) -> tuple[dict[Hashable, int], set[Hashable]]:
    """Competition ranks (1, 2, 2, 4) by score, highest first; scores equal to two decimals tie.
    `second`, where given, breaks ties: the higher second value (to two decimals) goes first, and
    only entries equal on both stay tied (an entry without a second value comes after those with
    one). Entries with no score come last, unranked. Returns (ranks, tied entries)."""
    second = second or {}

    def key(entry, score):
        other = second.get(entry)
        return (round(score, 2), None if other is None else round(other, 2))

    scored = sorted(
        ((entry, key(entry, score)) for entry, score in scores.items() if score is not None),
        key=lambda item: (-item[1][0], item[1][1] is None, -(item[1][1] or 0.0), repr(item[0])),
    )
    ranks, tied = {}, set()
    counts: dict[tuple, int] = defaultdict(int)
    for _, k in scored:
        counts[k] += 1
    previous, previous_rank = None, 0
    for position, (entry, k) in enumerate(scored, start=1):
        ranks[entry] = previous_rank if k == previous else position
        previous, previous_rank = k, ranks[entry]
        if counts[k] > 1:
            tied.add(entry)
    return ranks, tied
