"""The scoring maths, by example and by property (hypothesis), and alpha against the krippendorff package."""

import math
import random

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from judging.scoring import (
    Card,
    Criterion,
    agreement_reading,
    approval_counts,
    borda_points,
    card_total,
    compute,
    grouped_score,
    krippendorff_alpha,
    rank,
)

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
