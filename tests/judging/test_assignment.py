"""The balanced split: every entry gets k judges where possible, never a conflict, caps held, loads even."""

from hypothesis import given, settings
from hypothesis import strategies as st

from judging.assignment import balanced_split


@st.composite
def panels(draw):
    judge_count = draw(st.integers(min_value=1, max_value=12))
    entry_count = draw(st.integers(min_value=0, max_value=40))
    judges = {
        f"judge-{n}": draw(st.sampled_from([None, "Patient leaders", "Clinical experts"])) for n in range(judge_count)
    }
    entries = [f"entry-{n}" for n in range(entry_count)]
    per_entry = draw(st.integers(min_value=1, max_value=4))
    cap = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=20)))
    pairs = [(judge, entry) for judge in judges for entry in entries]
    conflicts = draw(st.lists(st.sampled_from(pairs), max_size=len(pairs) // 2, unique=True)) if pairs else []
    seed = draw(st.integers(min_value=0, max_value=2**16))
    return {
        "entries": entries,
        "judges": judges,
        "per_entry": per_entry,
        "cap": cap,
        "conflicts": conflicts,
        "seed": seed,
    }


def _place(entry, judges, holds, limit, conflicted, seen) -> bool:
    """Kuhn's augmenting path: give `entry` a judge, moving another entry along if need be."""
    for judge in judges:
        if (judge, entry) in conflicted or judge in seen or entry in holds[judge]:
            continue
        seen.add(judge)
        if len(holds[judge]) < limit:
            holds[judge].append(entry)
            return True
        for other in list(holds[judge]):
            holds[judge].remove(other)
            holds[judge].append(entry)
            if _place(other, judges, holds, limit, conflicted, seen):
                return True
            holds[judge].remove(entry)
            holds[judge].append(other)
    return False


def max_coverage(entries, judges, per_entry, cap, conflicts):
    """An independent answer: the most judge places a split could fill (max flow, by augmenting paths)."""
    limit = cap if cap is not None else len(entries)
    conflicted = set(conflicts)
    holds = {judge: [] for judge in judges}
    filled = 0
    for entry in entries:
        for _ in range(per_entry):
            if _place(entry, judges, holds, limit, conflicted, set()):
                filled += 1
    return filled


@settings(max_examples=300, deadline=None)
@given(panels())
def test_the_rules_always_hold(panel):
    split = balanced_split(**panel)
    limit = panel["cap"] if panel["cap"] is not None else len(panel["entries"])
    conflicted = set(panel["conflicts"])
    assert set(split.assignments) == set(panel["entries"])
    for entry, judges in split.assignments.items():
        assert len(judges) == len(set(judges)), "a judge twice on one entry"
        assert not any((judge, entry) in conflicted for judge in judges), "a conflicted judge"
        assert len(judges) + split.shortfall.get(entry, 0) == panel["per_entry"]
    assert all(load <= limit for load in split.load().values()), "a cap broken"


@settings(max_examples=150, deadline=None)
@given(panels())
def test_every_entry_gets_k_judges_whenever_that_is_possible(panel):
    split = balanced_split(**panel)
    placed = sum(len(judges) for judges in split.assignments.values())
    assert placed == max_coverage(
        panel["entries"], panel["judges"], panel["per_entry"], panel["cap"], panel["conflicts"]
    )


@settings(max_examples=100, deadline=None)
@given(panels())
def test_the_same_seed_gives_the_same_split(panel):
    assert balanced_split(**panel).assignments == balanced_split(**panel).assignments


def test_without_caps_or_conflicts_loads_differ_by_at_most_one():
    judges = {f"judge-{n}": None for n in range(7)}
    split = balanced_split(entries=range(30), judges=judges, per_entry=3, seed=4)
    loads = split.load()
    assert sum(loads.values()) == 90
    assert max(loads.values()) - min(loads.values()) <= 1
    assert split.shortfall == {}


def test_each_entry_gets_a_judge_of_each_group_where_possible():
    judges = {"pl-1": "Patient leaders", "pl-2": "Patient leaders", **{f"ce-{n}": "Clinical experts" for n in range(6)}}
    split = balanced_split(entries=range(20), judges=judges, per_entry=3, seed=1)
    for chosen in split.assignments.values():
        assert {judges[judge] for judge in chosen} == {"Patient leaders", "Clinical experts"}


def test_a_shortfall_is_reported_not_hidden():
    judges = {"a": None, "b": None}
    split = balanced_split(entries=["x"], judges=judges, per_entry=3, conflicts=[("a", "x")])
    assert split.assignments == {"x": ["b"]}
    assert split.shortfall == {"x": 2}


def test_tight_caps_are_met_by_moving_entries_between_judges():
    # Found by searching: choosing greedily fills only 5 of these 6 places; moving an entry
    # from a full judge to one with room fills the sixth.
    conflicts = [("j0", "e0"), ("j0", "e1"), ("j0", "e3"), ("j0", "e4"), ("j1", "e2"), ("j1", "e5"), ("j2", "e0")]
    split = balanced_split(
        entries=[f"e{n}" for n in range(6)],
        judges={"j0": None, "j1": None, "j2": None},
        per_entry=1,
        cap=2,
        conflicts=conflicts,
        seed=5,
    )
    assert split.shortfall == {}
    assert split.load() == {"j0": 2, "j1": 2, "j2": 2}
