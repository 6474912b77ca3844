"""The scoring maths, by example and by property (hypothesis), and alpha against the krippendorff package."""

import math
import random

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from judging import scoring
from judging.scoring import (
    Card,
    Criterion,
    agreement,
    agreement_reading,
    agreement_words,
    approval_counts,
    bootstrap_indices,
    borda_points,
    card_total,
    changes_shortlist,
    compute,
    krippendorff_alpha,
    rank,
    rank_shift_flagged,
    rank_with_level,
    required_scorecards,
    unit_sums,
)
from tests.judging.reference_scoring import grouped_score, reference_compute, reference_rank

IMPACT = Criterion("impact", 3, 0, 5)
REACH = Criterion("reach", 1, 1, 4)


def test_a_total_by_the_formula():
    # 100 × (3·(4−0)/5 + 1·(2−1)/3) / 4
    assert card_total({"impact": 4, "reach": 2}, [IMPACT, REACH]) == pytest.approx(100 * (3 * 0.8 + 1 / 3) / 4)


def test_na_criteria_and_zero_weights_are_left_out():
    assert card_total({"impact": 5, "reach": None}, [IMPACT, REACH]) == 100
    assert card_total({"impact": None, "reach": None}, [IMPACT, REACH]) is None
    assert card_total({"impact": 0, "other": 5}, [IMPACT, Criterion("other", 0, 0, 5)]) == 0


def test_group_shares_weight_the_group_means():
    # Patient leaders hold 20%: their mean 90 and the rest's mean 50 give 0.2·90 + 0.8·50.
    assert grouped_score({"Patient leaders": [80, 100], None: [40, 60]}, {"Patient leaders": 0.2}) == pytest.approx(58)
    # A group with no card for the entry drops out and the shares are re-weighted.
    assert grouped_score({None: [40, 60]}, {"Patient leaders": 0.2}) == pytest.approx(50)
    assert grouped_score({"a": [10], "b": [30]}, {}) == 20


def test_ranks_share_equal_scores_to_two_decimals_and_flag_ties():
    ranks, tied = rank({"a": 70.001, "b": 70.004, "c": 90, "d": None, "e": 10})
    assert ranks == {"c": 1, "a": 2, "b": 2, "e": 4}
    assert tied == {"a", "b"}


def test_voting_counts():
    assert approval_counts([["a", "b"], ["a"], []]) == {"a": 2, "b": 1}
    assert borda_points([["a", "b", "c"], ["b", "a"]]) == {"a": 4, "b": 4, "c": 1}


def test_normalisation_lifts_a_harsh_judges_entries_and_leaves_thin_judges_alone():
    cards = []
    for entry, base in zip("abcdef", [80, 70, 60, 50, 40, 30], strict=True):
        cards.append(Card("fair", entry, {"impact": round(base / 20)}))
    for entry, value in zip("def", [1, 0, 0], strict=True):
        cards.append(Card("harsh", entry, {"impact": value}))
    cards.append(Card("thin", "a", {"impact": 5}))
    results = compute(entries="abcdef", cards=cards, criteria=[IMPACT])
    assert results.unnormalised_judges == {"thin"}
    harsh = results.entries["d"]
    assert harsh.normalised_totals["harsh"] > harsh.totals["harsh"]
    assert [r.entry for r in results.ordered()][:1] == ["a"]


def test_flags_spread_and_rank_moves():
    cards = [Card("j1", "a", {"impact": 5}), Card("j2", "a", {"impact": 1}), Card("j1", "b", {"impact": 3})]
    results = compute(entries="ab", cards=cards, criteria=[IMPACT])
    assert "judges disagree" in results.entries["a"].flags and "judges disagree" not in results.entries["b"].flags


def test_an_entry_without_every_scorecard_is_listed_after_the_ranked_ones_unranked():
    # b has the best score but one scorecard of the two it expects; c has none yet.
    cards = [Card("j1", "a", {"impact": 2}), Card("j2", "a", {"impact": 3}), Card("j1", "b", {"impact": 5})]
    expected = {"a": 2, "b": 2, "c": 2}
    results = compute(entries="abc", cards=cards, criteria=[IMPACT], expected=expected)
    a, b, c = (results.entries[e] for e in "abc")
    assert (a.rank, a.complete, a.expected) == (1, True, 2)
    assert (b.rank, b.normalised_rank, b.complete, b.n, b.expected) == (None, None, False, 1, 2)
    assert "incomplete" in b.flags and "incomplete" in c.flags and "incomplete" not in a.flags
    assert b.score == 100.0  # its figures are still shown
    assert [r.entry for r in results.ordered()] == ["a", "b", "c"]

    # The stage's minimum, where it sets one, is what an entry needs.
    results = compute(entries="abc", cards=cards, criteria=[IMPACT], expected=expected, minimum=1)
    assert [(r.entry, r.rank) for r in results.ordered()] == [("b", 1), ("a", 2), ("c", None)]

    # The chair may rank it on the scorecards it has: ranked, and marked so.
    results = compute(entries="abc", cards=cards, criteria=[IMPACT], expected=expected, included={"b", "c"})
    b, c = results.entries["b"], results.entries["c"]
    assert (b.rank, b.included, b.complete) == (1, True, False) and "included as it is" in b.flags
    assert (c.rank, c.included) == (None, False)  # nothing to rank it on


def test_a_scorecard_counted_is_one_expected():
    results = compute(entries="a", cards=[Card("j1", "a", {"impact": 2})], criteria=[IMPACT], expected={"a": 0})
    assert (results.entries["a"].expected, results.entries["a"].complete, results.entries["a"].rank) == (1, True, 1)
    assert required_scorecards(0, None) == 1 and required_scorecards(3, None) == 3 and required_scorecards(3, 2) == 2


def test_rank_move_flags_scale_with_the_award():
    # Five entries: first to third is a move worth flagging (the old rule, more than 2 places, missed it).
    assert rank_shift_flagged(1, 3, 5) and not rank_shift_flagged(1, 2, 5)
    # 200 entries: at least 5% of them, 10 places.
    assert not rank_shift_flagged(40, 49, 200) and rank_shift_flagged(40, 50, 200)
    assert not rank_shift_flagged(None, 3, 5)
    assert changes_shortlist(3, 4, 3) and changes_shortlist(4, 3, 3) and changes_shortlist(None, 2, 3)
    assert not changes_shortlist(1, 3, 3) and not changes_shortlist(4, 9, 3)


def test_agreement_reading_is_plain_language():
    assert "closely" in agreement_reading(0.9)
    assert "caution" in agreement_reading(0.1)
    assert "Not enough" in agreement_reading(None)


# Properties ----------------------------------------------------------------------------

criteria_st = st.lists(
    st.tuples(st.integers(0, 5), st.integers(-3, 3), st.integers(1, 10), st.booleans()),
    min_size=1,
    max_size=5,
).map(lambda specs: [Criterion(f"c{i}", w, lo, lo + span) for i, (w, lo, span, _na) in enumerate(specs)])


@st.composite
def scorecards(draw):
    criteria = draw(criteria_st)
    entries = [f"e{i}" for i in range(draw(st.integers(1, 6)))]
    judges = [f"j{i}" for i in range(draw(st.integers(1, 5)))]
    group = {judge: draw(st.sampled_from([None, "patients"])) for judge in judges}  # a judge has one group
    cards = []
    for entry in entries:
        for judge in judges:
            if draw(st.booleans()):
                scores = {
                    c.key: (None if draw(st.integers(0, 9)) == 0 else draw(st.integers(c.scale_min, c.scale_max)))
                    for c in criteria
                }
                cards.append(Card(judge, entry, scores, group=group[judge]))
    return criteria, entries, cards


@settings(max_examples=150, deadline=None)
@given(scorecards())
def test_totals_lie_within_0_and_100(data):
    criteria, _entries, cards = data
    for card in cards:
        total = card_total(card.scores, criteria)
        assert total is None or -1e-9 <= total <= 100 + 1e-9


@settings(max_examples=100, deadline=None)
@given(scorecards(), st.randoms(use_true_random=False))
def test_the_order_of_the_input_changes_nothing(data, rng):
    criteria, entries, cards = data
    first = compute(entries=entries, cards=cards, criteria=criteria, shares={"patients": 0.3})
    shuffled_cards, shuffled_entries = list(cards), list(entries)
    rng.shuffle(shuffled_cards)
    rng.shuffle(shuffled_entries)
    second = compute(entries=shuffled_entries, cards=shuffled_cards, criteria=criteria, shares={"patients": 0.3})
    for entry in entries:
        a, b = first.entries[entry], second.entries[entry]
        assert (a.rank, a.normalised_rank, a.flags) == (b.rank, b.normalised_rank, b.flags)
        for x, y in ((a.score, b.score), (a.normalised_score, b.normalised_score)):
            assert (x is None and y is None) or math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=100, deadline=None)
@given(scorecards(), st.integers(-5, 5), st.integers(1, 9))
def test_a_zero_weight_criterion_changes_no_total(data, low, span):
    criteria, _entries, cards = data
    extra = Criterion("zero", 0, low, low + span)
    for card in cards:
        with_extra = dict(card.scores, zero=low)
        assert card_total(with_extra, [*criteria, extra]) == card_total(card.scores, criteria)


@settings(max_examples=100, deadline=None)
@given(scorecards(), st.integers(1, 7), st.integers(-10, 10))
def test_rescaling_a_criterion_with_its_values_changes_nothing(data, factor, shift):
    criteria, _entries, cards = data
    rescaled = [
        Criterion(c.key, c.weight, c.scale_min * factor + shift, c.scale_max * factor + shift) for c in criteria
    ]
    for card in cards:
        moved = {k: (None if v is None else v * factor + shift) for k, v in card.scores.items()}
        before, after = card_total(card.scores, criteria), card_total(moved, rescaled)
        assert (before is None and after is None) or math.isclose(before, after, rel_tol=1e-9, abs_tol=1e-9)


@pytest.mark.parametrize("seed", range(25))
def test_alpha_matches_the_krippendorff_package(seed):
    rng = random.Random(seed)
    coders, units = rng.randint(2, 8), rng.randint(3, 40)
    matrix = np.full((coders, units), np.nan)
    for c in range(coders):
        for u in range(units):
            if rng.random() < 0.7:
                matrix[c, u] = rng.uniform(0, 100) if seed % 2 else rng.randint(0, 5)
    ours_input = {
        u: {c: float(matrix[c, u]) for c in range(coders) if not np.isnan(matrix[c, u])} for u in range(units)
    }
    ours = krippendorff_alpha(ours_input)
    pairable = sum(1 for values in ours_input.values() if len(values) >= 2)
    if pairable == 0:
        assert ours is None
        return
    theirs = krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval")
    assert ours == pytest.approx(theirs, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(
        st.integers(0, 20), st.dictionaries(st.integers(0, 6), st.integers(-5, 10), max_size=6), max_size=15
    )
)
def test_alpha_from_sums_is_alpha(units):
    from judging.scoring import krippendorff_alpha_from_sums

    sums = [(len(v), float(sum(v.values())), float(sum(x * x for x in v.values()))) for v in units.values()]
    ours, direct = krippendorff_alpha_from_sums(sums), krippendorff_alpha(units)
    assert (ours is None and direct is None) or ours == pytest.approx(direct, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(scorecards(), st.data())
def test_only_complete_or_included_entries_are_ranked_and_they_come_first(data, draw):
    criteria, entries, cards = data
    expected = {entry: draw.draw(st.integers(0, 5)) for entry in entries}
    minimum = draw.draw(st.one_of(st.none(), st.integers(1, 4)))
    included = set(draw.draw(st.lists(st.sampled_from(entries))))
    shortlist = draw.draw(st.one_of(st.none(), st.integers(1, 4)))
    results = compute(
        entries=entries,
        cards=cards,
        criteria=criteria,
        expected=expected,
        minimum=minimum,
        included=included,
        shortlist=shortlist,
    )
    ordered = results.ordered()
    ranked = [r for r in ordered if r.rank is not None]
    assert ordered[: len(ranked)] == ranked  # ranked entries first, in rank order
    assert [r.rank for r in ranked] == sorted(r.rank for r in ranked)
    for r in ordered:
        scored = r.score is not None
        needs = minimum if minimum is not None else max(expected[r.entry], r.n)
        complete = r.n >= max(1, needs)
        assert r.complete == complete
        assert (r.rank is not None) == (scored and (complete or r.entry in included))
        # Ranks are among the ranked entries only.
        assert r.rank is None or r.rank <= len(ranked)
        assert ("normalisation changes the shortlist" in r.flags) == bool(
            shortlist and changes_shortlist(r.rank, r.normalised_rank, shortlist)
        )


def _matrix(seed, entries=30, judges=4):
    rng = random.Random(seed)
    units = {}
    for entry in range(entries):
        quality = rng.uniform(20, 80)
        units[f"e{entry:02d}"] = {
            f"j{j}": round(min(100, max(0, quality + rng.gauss(0, 12))), 2) for j in range(judges) if rng.random() < 0.8
        }
    return units


@pytest.mark.parametrize("seed", range(3))
def test_the_agreement_interval_is_the_bootstrap_of_the_krippendorff_package(seed):
    """Each resample's alpha computed independently by the krippendorff package, on the same
    resampled entries; the interval is their 2.5th to 97.5th percentile."""
    units = _matrix(seed)
    result = agreement(unit_sums(units), resamples=200)
    pairable = [values for _, values in sorted(units.items()) if len(values) >= 2]
    judges = sorted({j for values in pairable for j in values})
    alphas = []
    for block in bootstrap_indices(len(pairable), 200):
        for row in block:
            matrix = np.array([[pairable[i].get(j, np.nan) for i in row] for j in judges], dtype=float)
            alphas.append(krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval"))
    low, high = np.percentile(alphas, [2.5, 97.5])
    assert result.low == pytest.approx(low, abs=1e-9) and result.high == pytest.approx(high, abs=1e-9)
    assert result.alpha == pytest.approx(krippendorff_alpha(units), abs=1e-12)
    assert result.low < result.alpha < result.high
    assert result.pairable_units == len(pairable) and result.enough


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3000), st.integers(1, 300), st.integers(1, 5000))
def test_the_resamples_do_not_depend_on_how_many_are_drawn_at_a_time(units, resamples, block):
    """The blocks keep the drawn indices small enough to stay in cache; the interval must not
    change with them: the same draws, in the same order, whatever the block."""
    every_row = np.concatenate(list(bootstrap_indices(units, resamples)))
    original = scoring.BOOTSTRAP_BLOCK
    try:
        scoring.BOOTSTRAP_BLOCK = block
        blocked = list(bootstrap_indices(units, resamples))
    finally:
        scoring.BOOTSTRAP_BLOCK = original
    assert all(len(rows) <= 100 for rows in blocked)
    assert np.array_equal(np.concatenate(blocked), every_row) and every_row.shape == (resamples, units)


def test_the_same_scores_give_the_same_interval_in_any_order():
    units = _matrix(7)
    shuffled = dict(reversed(list(units.items())))
    assert agreement(unit_sums(units)) == agreement(unit_sums(shuffled))


def test_too_little_data_gives_no_alpha_and_says_so():
    # Five entries scored by two judges: ten pairable values, under the minimum of twenty.
    units = {f"e{i}": {"a": 10.0 * i, "b": 90.0 - 10 * i} for i in range(5)}
    thin = agreement(unit_sums(units))
    assert (thin.alpha, thin.low, thin.high, thin.pairable_values, thin.enough) == (None, None, None, 10, False)
    assert agreement_words(thin).startswith("Too little data to judge agreement: 10 scores")
    units.update({f"f{i}": {"a": 10.0 * i, "b": 10.0 * i + 1} for i in range(5)})
    enough = agreement(unit_sums(units))
    assert enough.enough and enough.pairable_values == 20 and "Too little" not in agreement_words(enough)
    # The ranking's figure follows it.
    cards = [Card(j, e, {"impact": 1 + i % 5}) for i, (e, j) in enumerate((e, j) for e in "abcde" for j in "xy")]
    assert compute(entries="abcde", cards=cards, criteria=[IMPACT]).agreement.enough is False


PLAIN = Criterion("x", 1, 0, 100)  # a total is the score itself


def _cards(totals_by_entry):
    return [
        Card(f"j{i}", entry, {"x": total})
        for entry, totals in totals_by_entry.items()
        for i, total in enumerate(totals)
    ]


def test_a_stage_breaks_ties_as_it_chose_and_says_which_stay_tied():
    # a and b have the same mean (50); a's median is 60, b's 50. c is behind; d level with c on everything.
    cards = _cards({"a": [20, 60, 70], "b": [40, 50, 60], "c": [30, 30, 30], "d": [30, 30, 30]})
    by_panel = compute(entries="abcd", cards=cards, criteria=[PLAIN])
    assert [(r.entry, r.rank) for r in by_panel.ordered()] == [("a", 1), ("b", 1), ("c", 3), ("d", 3)]
    assert all("tie" in r.flags for r in by_panel.ordered())

    by_median = compute(entries="abcd", cards=cards, criteria=[PLAIN], tie_break="median")
    assert [(r.entry, r.rank) for r in by_median.ordered()] == [("a", 1), ("b", 2), ("c", 3), ("d", 3)]
    a, b, c = (by_median.entries[e] for e in "abc")
    assert "tie broken by the median total" in a.flags and "tie" not in a.flags and not a.tie
    assert "tie broken by the median total" in b.flags
    assert "tie" in c.flags and c.tie  # equal on the median too

    by_criterion = compute(
        entries="abcd", cards=cards, criteria=[PLAIN], tie_break="criterion", tie_values={"a": 2.0, "b": 3.5, "c": 1}
    )
    assert [r.entry for r in by_criterion.ordered()][:2] == ["b", "a"]
    # d has no value on the criterion: it comes after c, and neither is tied any more.
    assert (by_criterion.entries["c"].rank, by_criterion.entries["d"].rank) == (3, 4)


@settings(max_examples=100, deadline=None)
@given(scorecards(), st.sampled_from([None, "panel", "median", "normalised", "criterion"]), st.data())
def test_a_tie_break_only_orders_entries_whose_scores_are_equal(data, tie_break, draw):
    criteria, entries, cards = data
    tie_values = {entry: draw.draw(st.one_of(st.none(), st.integers(0, 3))) for entry in entries}
    plain = compute(entries=entries, cards=cards, criteria=criteria)
    broken = compute(entries=entries, cards=cards, criteria=criteria, tie_break=tie_break, tie_values=tie_values)
    for x in entries:
        for y in entries:
            sx, sy = plain.entries[x].score, plain.entries[y].score
            if sx is not None and sy is not None and round(sx, 2) > round(sy, 2):
                assert broken.entries[x].rank < broken.entries[y].rank
        # Tied now only if tied before.
        assert not broken.entries[x].tie or plain.entries[x].tie


@settings(max_examples=150, deadline=None)
@given(scorecards(), st.sampled_from([None, 0.0, 0.25, 0.5, 1.0]))
def test_scores_are_the_group_weighted_means_of_the_totals_raw_and_normalised(data, patients_share):
    """DESIGN rule 3, worked out here on its own from each entry's totals and normalised totals:
    without shares the plain mean; with them Σ share·mean over the groups with a card, divided
    by the shares of those groups, the judges in no group sharing what the named share leaves."""
    criteria, entries, cards = data
    shares = {} if patients_share is None else {"patients": patients_share}
    results = compute(entries=entries, cards=cards, criteria=criteria, shares=shares)
    group_of = {card.judge: card.group for card in cards}

    def expected(totals: dict) -> float | None:
        if not totals:
            return None
        if not shares:
            return math.fsum(totals.values()) / len(totals)
        pooled: dict = {}
        for judge, total in totals.items():
            pooled.setdefault("patients" if group_of[judge] == "patients" else None, []).append(total)
        weight = {"patients": patients_share, None: max(0.0, 1.0 - patients_share)}
        held = math.fsum(weight[g] for g in pooled)
        if held <= 0:
            return math.fsum(totals.values()) / len(totals)
        return math.fsum(weight[g] * math.fsum(v) / len(v) for g, v in pooled.items()) / held

    for result in results.entries.values():
        for got, want in (
            (result.score, expected(result.totals)),
            (result.normalised_score, expected(result.normalised_totals)),
        ):
            assert (got is None) == (want is None)
            if want is not None:
                assert got == pytest.approx(want, abs=1e-9)


def _same_results(ours, theirs):
    assert ours.entries.keys() == theirs.entries.keys()
    for entry, a in ours.entries.items():
        b = theirs.entries[entry]
        exact = ("n", "rank", "normalised_rank", "tie", "tie_broken", "expected", "complete", "included", "flags")
        assert [getattr(a, name) for name in exact] == [getattr(b, name) for name in exact], entry
        for name in ("mean", "median", "sd", "low", "high", "score", "normalised_score"):
            x, y = getattr(a, name), getattr(b, name)
            assert (x is None) == (y is None), (entry, name)
            assert x is None or x == pytest.approx(y, abs=1e-9), (entry, name)
        assert a.totals == b.totals
        assert a.normalised_totals.keys() == b.normalised_totals.keys()
        for judge, value in a.normalised_totals.items():
            assert value == pytest.approx(b.normalised_totals[judge], abs=1e-9)
    assert ours.unnormalised_judges == theirs.unnormalised_judges
    for x, y in ((ours.alpha, theirs.alpha), (ours.agreement.low, theirs.agreement.low)):
        assert (x is None) == (y is None) and (x is None or x == pytest.approx(y, abs=1e-9))
    assert ours.agreement.pairable_values == theirs.agreement.pairable_values
    assert ours.alpha_by_criterion.keys() == theirs.alpha_by_criterion.keys()
    assert [r.entry for r in ours.ordered()] == [r.entry for r in theirs.ordered()]


@settings(max_examples=200, deadline=None)
@given(
    scorecards(),
    st.sampled_from([None, 0.0, 0.25, 1.0]),
    st.sampled_from([None, "median", "normalised", "criterion"]),
    st.sampled_from(["raw", "normalised"]),
    st.data(),
)
def test_the_ranking_over_arrays_is_the_reference_ranking_entry_by_entry(
    data, patients_share, tie_break, order_by, draw
):
    """compute works every entry's figures out at once over arrays; the reference works them out
    entry by entry as DESIGN writes the rules. Same scorecards, same results: every rank, tie and
    flag exactly, every figure to 1e-9. The judges score on a coarse scale, so ties, equal totals
    and judges without spread come up often."""
    criteria, entries, cards = data
    shares = {} if patients_share is None else {"patients": patients_share}
    options = {
        "shares": shares,
        "order_by": order_by,
        "expected": {entry: draw.draw(st.integers(0, 5)) for entry in entries},
        "minimum": draw.draw(st.one_of(st.none(), st.integers(1, 3))),
        "included": set(draw.draw(st.lists(st.sampled_from(entries)))),
        "shortlist": draw.draw(st.one_of(st.none(), st.integers(1, 4))),
        "tie_break": tie_break,
        "tie_values": {entry: draw.draw(st.one_of(st.none(), st.integers(0, 3))) for entry in entries},
    }
    ours = compute(entries=entries, cards=cards, criteria=criteria, **options)
    _same_results(ours, reference_compute(entries=entries, cards=cards, criteria=criteria, **options))
    # The same scorecards given as totals.
    totals = [(card.judge, card.entry, card.group, card.total(criteria)) for card in cards]
    _same_results(
        compute(entries=entries, totals=totals, criteria=criteria, criterion_sums={}, **options),
        reference_compute(entries=entries, cards=cards, criteria=criteria, criterion_sums={}, **options),
    )


def test_the_ranking_over_arrays_handles_no_entries_and_no_scorecards():
    assert compute(entries=[], cards=[], criteria=[IMPACT]).entries == {}
    empty = compute(entries="ab", cards=[], criteria=[IMPACT], shares={"patients": 0.5})
    assert [(r.n, r.score, r.rank, r.flags) for r in empty.ordered()] == [(0, None, None, ["incomplete"])] * 2


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.text(max_size=3),
        st.one_of(
            st.none(),
            st.floats(-1, 101, allow_nan=False),
            # Halves that Python's round and numpy's round take different ways, and their neighbours.
            st.sampled_from([0.005, 0.01, 0.0, -0.0, 70.004, 70.005, 70.01, 70.015, 70.02]),
        ),
        max_size=12,
    ),
    st.one_of(st.none(), st.dictionaries(st.text(max_size=3), st.one_of(st.none(), st.integers(0, 3)))),
)
def test_ranks_over_arrays_are_the_reference_ranks(scores, second):
    """rank sorts and groups over arrays; the reference does it entry by entry with tuples. The
    entries level before the tie-break, read off the same sort, are the ties of the scores alone."""
    assert rank(scores, second) == reference_rank(scores, second)
    ranks, tied, level = rank_with_level(scores, second)
    assert (ranks, tied) == reference_rank(scores, second)
    assert level == reference_rank(scores, None)[1]
