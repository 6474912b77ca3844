"""Which judge scores which entry: a balanced automatic split, as a pure function.

Rules, in order of strength:
1. never a conflicted judge, never a judge twice on one entry, never over a judge's cap;
2. every entry gets k judges whenever the conflicts and caps allow it (a shortfall is
   reported per entry, never hidden);
3. at least one judge of each judge group per entry where possible;
4. loads as even as the rules above allow;
5. the same inputs and seed always give the same answer.

The split is built greedily (most constrained entries first, the least loaded eligible
judge next, groups first), then any entry left short is repaired along augmenting paths:
a judge at their cap hands one of their entries to a judge with room, freeing a place.
"""

import random
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

Judge = Hashable
Entry = Hashable


@dataclass
class Split:
    assignments: dict[Entry, list[Judge]]
    shortfall: dict[Entry, int] = field(default_factory=dict)

    def load(self) -> dict[Judge, int]:
        counts: dict[Judge, int] = defaultdict(int)
        for judges in self.assignments.values():
            for judge in judges:
                counts[judge] += 1
        return dict(counts)


def balanced_split(
    *,
    entries: Iterable[Entry],
    judges: dict[Judge, str | None],
    per_entry: int,
    cap: int | None = None,
    conflicts: Iterable[tuple[Judge, Entry]] = (),
    seed: int = 0,
) -> Split:
    """Assign `per_entry` judges to each entry. `judges` maps each judge to their group (or None)."""
    entries = list(entries)
    conflicted = set(conflicts)
    rng = random.Random(seed)
    # A fixed, seeded tie-break order, so equal choices are made the same way every time.
    judge_rank = {judge: rank for rank, judge in enumerate(rng.sample(sorted(judges, key=repr), len(judges)))}
    entry_rank = {entry: rank for rank, entry in enumerate(rng.sample(sorted(entries, key=repr), len(entries)))}
    limit = cap if cap is not None else len(entries)
    load: dict[Judge, int] = {judge: 0 for judge in judges}
    chosen: dict[Entry, list[Judge]] = {entry: [] for entry in entries}
    groups = sorted({group for group in judges.values() if group is not None})

    def eligible(entry):
        return [
            judge
            for judge in judges
            if (judge, entry) not in conflicted and judge not in chosen[entry] and load[judge] < limit
        ]

    def least_loaded(candidates):
        return min(candidates, key=lambda judge: (load[judge], judge_rank[judge]))

    def take(entry, judge):
        chosen[entry].append(judge)
        load[judge] += 1

    # Most constrained entries first: those with the fewest judges free of conflicts.
    order = sorted(
        entries,
        key=lambda entry: (sum((judge, entry) not in conflicted for judge in judges), entry_rank[entry]),
    )
    for entry in order:
        for group in groups:
            if len(chosen[entry]) >= per_entry:
                break
            candidates = [judge for judge in eligible(entry) if judges[judge] == group]
            if candidates:
                take(entry, least_loaded(candidates))
        while len(chosen[entry]) < per_entry:
            candidates = eligible(entry)
            if not candidates:
                break
            take(entry, least_loaded(candidates))

    for entry in order:
        while len(chosen[entry]) < per_entry and _augment(entry, judges, chosen, load, limit, conflicted):
            pass

    shortfall = {entry: per_entry - len(chosen[entry]) for entry in entries if len(chosen[entry]) < per_entry}
    return Split(
        assignments={entry: sorted(chosen[entry], key=judge_rank.get) for entry in entries}, shortfall=shortfall
    )


def _augment(start, judges, chosen, load, limit, conflicted) -> bool:
    """Find one more judge for `start`, moving entries between judges if need be; True if found.

    Breadth-first search over judges. A judge with room takes the entry at once. A full
    judge may take it if they hand one of their own entries to another judge who can take
    that one, and so on along the path: everyone on it keeps the same load except the last
    judge, who gains one.
    """

    def can_take(judge, entry):
        return (judge, entry) not in conflicted and judge not in chosen[entry]

    order = sorted(judges, key=lambda judge: (load[judge], repr(judge)))
    # parent[judge] = (the entry this judge would take, the judge who gives it up, or None at `start`)
    parent: dict[Judge, tuple[Entry, Judge | None]] = {}
    queue = []
    for judge in order:
        if can_take(judge, start):
            parent[judge] = (start, None)
            queue.append(judge)
    expanded = {start}
    while queue:
        judge = queue.pop(0)
        if load[judge] < limit:
            _apply(judge, parent, chosen, load)
            return True
        for held in [entry for entry, on in chosen.items() if judge in on]:
            if held in expanded:
                continue
            expanded.add(held)
            for other in order:
                if other not in parent and can_take(other, held):
                    parent[other] = (held, judge)
                    queue.append(other)
    return False


def _apply(last, parent, chosen, load):
    """Walk the path back: each judge takes their entry from the judge before them."""
    load[last] += 1
    judge = last
    while judge is not None:
        entry, giver = parent[judge]
        chosen[entry].append(judge)
        if giver is not None:
            chosen[entry].remove(giver)
        judge = giver
