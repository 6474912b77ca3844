"""A stage's results as a chair or admin may see them: the ranking, its explanation, leniency, spread.

Everything is computed over the entries the viewer may see (judging.access), so a chair
conflicted with an entry finds it in no ranking, count or figure. The maths is
judging.scoring; this module only gathers the rows it needs, in a fixed number of queries.
"""

import statistics
import threading
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Avg, Case, Count, FloatField, OuterRef, Q, Sum, When
from django.db.models.functions import Cast
from django.utils.text import capfirst

from awards.models import Award, Criterion, OfficeRole, Programme
from judging import access, assignments, scoring, selectors
from judging.conflicts import conflict_pairs, conflicted_q
from judging.entries import Blindness, blind_for
from judging.models import (
    Assignment,
    Ballot,
    Conflict,
    ConflictDeclaration,
    Decision,
    Entry,
    JudgeGroup,
    PanelMember,
    Score,
    Scorecard,
    Stage,
    Vote,
)
from judging.presentation import entry_title
from judging.scorecards import counted, for_scoring
from judging.scorecards import lines as scorecard_lines
from judging.scoring_sql import card_sums
from nominations.models import Answer, Dossier, Nomination
from nominations.selectors import display_value
from plaudit import generations
from plaudit.memory import collector_paused
from plaudit.people import display_name

# A judge who has left the panel since scoring: named as the assignments pages name them.
FORMER_JUDGE = (capfirst(assignments.FORMER_JUDGE), "")

SELECTED = {
    Decision.Outcome.PROMOTED,
    Decision.Outcome.SHORTLISTED,
    Decision.Outcome.HIGHLY_COMMENDED,
    Decision.Outcome.WINNER,
}


@dataclass(slots=True)
class RankedEntry:
    """An entry as results hold it: plain values from one query, enough for the pages, exports
    and packs that read results (20,000 Entry objects with their nominations took two seconds
    to build). A service that writes is handed Entry objects read again (`entries_for_writing`)."""

    pk: int
    nomination_id: int | None
    dossier_id: int | None
    reference: str
    nominee: str  # the nominee's name, or the dossier's title (Entry.nominee)
    ranked_incomplete_at: object
    stage: Stage
    decided: bool  # has a decision (results read the stage's decisions only then)


def ranked_entries(visible, stage: Stage) -> list[RankedEntry]:
    """The visible entries (a queryset of Entry) as RankedEntry, in id order, in one query."""
    prefix = stage.award.reference_prefix
    return [
        RankedEntry(
            pk,
            nomination_id,
            dossier_id,
            reference if nomination_id else Entry.dossier_reference(prefix, dossier_id),
            nominee_name if nomination_id else title,
            ranked_incomplete_at,
            stage,
            decision_id is not None,
        )
        for pk, nomination_id, dossier_id, ranked_incomplete_at, reference, nominee_name, title, decision_id in (
            visible.order_by("id")
        ).values_list(
            "pk",
            "nomination_id",
            "dossier_id",
            "ranked_incomplete_at",
            "nomination__reference",
            "nomination__nominee_name",
            "dossier__title",
            "decision__id",
        )
    ]


def entries_for_writing(results: "StageResults", ids) -> list[Entry]:
    """Entry objects for some of the results' entries, in the order of `ids`, for a service that
    writes (decisions): only entries the results hold, read afresh with what names them."""
    held = {row.entry.pk for row in results.rows}
    wanted = [pk for pk in ids if pk in held]
    found = Entry.objects.filter(stage=results.stage, pk__in=wanted).select_related("nomination", "dossier")
    by_id = {entry.pk: entry for entry in found}
    for entry in by_id.values():
        entry.stage = results.stage
    return [by_id[pk] for pk in wanted if pk in by_id]


@dataclass(slots=True)
class Row:
    entry: RankedEntry
    title: str
    nominee: str  # empty when blind
    result: scoring.EntryResult
    decision: Decision | None

    @property
    def strip(self) -> list[float]:
        """The entry's scorecard totals, for the small score strip."""
        return sorted(self.result.totals.values())


@dataclass
class JudgeLeniency:
    name: str
    group: str
    cards: int
    mean: float | None
    sd: float | None


@dataclass
class StageResults:
    stage: Stage
    rows: list[Row]
    computed: scoring.Results | None
    order_by: str
    blind: Blindness  # True, False, or the ids of the entries shown by reference only
    judges: dict = field(default_factory=dict)  # judge id -> (name, group name)
    criteria: list = field(default_factory=list)
    shares: dict = field(default_factory=dict)
    voting_points: dict | None = None
    _leniency: tuple | None = field(default=None, repr=False, compare=False)

    def judge(self, judge_id) -> tuple[str, str]:
        """(name, group name) of a judge who scored in the stage; one who has left the panel since
        is "A judge no longer on the panel", never unnamed and never a missing row."""
        return self.judges.get(judge_id, FORMER_JUDGE)

    @property
    def agreement(self) -> scoring.Agreement | None:
        return self.computed.agreement if self.computed else None

    @property
    def alpha(self):
        """Alpha where there is enough data to judge agreement; None otherwise."""
        agreement = self.agreement
        return agreement.alpha if agreement and agreement.enough else None

    @property
    def unranked(self) -> int:
        """Entries listed without a rank (too few scorecards, not included by a chair)."""
        return sum(1 for row in self.rows if not row.result.complete and not row.result.included)

    @property
    def tie_break(self) -> str:
        """How ties were broken, in words, for the page, the pack and the exports."""
        stage = self.stage
        if self.voting_points is not None or stage.tie_break == Stage.TieBreak.PANEL:
            return "Ties are left to the panel."
        if stage.tie_break == Stage.TieBreak.CRITERION:
            criterion = next((c for c in self.criteria if c.key == stage.tie_break_criterion), None)
            name = criterion.title if criterion else stage.tie_break_criterion
            return f"Ties are broken by the higher mean score on “{name}”; entries equal on that too stay tied."
        if stage.tie_break == Stage.TieBreak.MEDIAN:
            return "Ties are broken by the higher median scorecard total; entries equal on that too stay tied."
        other = "raw" if self.order_by == "normalised" else "normalised"
        return f"Ties are broken by the higher {other} score; entries equal on that too stay tied."

    @property
    def reading(self) -> str:
        return scoring.agreement_words(self.agreement)

    def leniency(self) -> tuple[list[JudgeLeniency], float | None, float | None]:
        """Each judge's mean and spread of totals, with the panel's mean and spread to read them against.
        Worked out once per results (they are kept and shared: stage_results)."""
        if self._leniency is None:
            self._leniency = self._work_out_leniency()
        return self._leniency

    def _work_out_leniency(self) -> tuple[list[JudgeLeniency], float | None, float | None]:
        # The totals the ranking counted, judge by judge, as the maths worked them out.
        by_judge = self.computed.judge_totals if self.computed else {}
        every = [t for totals in by_judge.values() for t in totals]
        rows = [
            JudgeLeniency(
                name=self.judge(judge)[0],
                group=self.judge(judge)[1],
                cards=len(totals),
                mean=statistics.fmean(totals),
                sd=scoring.sample_sd(totals),
            )
            for judge, totals in by_judge.items()
        ]
        rows.sort(key=lambda r: r.name)
        return rows, (statistics.fmean(every) if every else None), scoring.sample_sd(every)

    def unnormalised_names(self) -> list[str]:
        if not self.computed:
            return []
        return sorted(self.judge(j)[0] for j in self.computed.unnormalised_judges)


def _criteria(stage: Stage):
    criteria = list(stage.award.criteria.order_by("position", "id"))
    return criteria, for_scoring(criteria)


def visible_entries(stage: Stage, viewer):
    return (
        access.entries_for_chair(viewer, stage)
        # The stage is the one given (stage_results attaches it), not joined again for every entry.
        .select_related("nomination", "dossier", "decision")
        # The ranking needs a nominee's name and reference, not their saved drafts.
        .defer(
            "nomination__identity_draft",
            "nomination__consent_token_hash",
            "nomination__ineligible_reason",
            "nomination__draft_page",
            "nomination__draft_sequence",
        )
        .order_by("id")
    )


# What a stage's results are computed from: a committed write to any of these tables (through
# any code path) moves the "ranking" generation on, and with it every cached ranking
# (plaudit/generations.py). Columns listed beside a table are ones an UPDATE may set without
# changing a ranking: a nominator's working copy, a person's last sign-in.
RANKING_TABLES = {
    model._meta.db_table: ignore
    for model, ignore in [
        (Stage, ()),
        (JudgeGroup, ()),
        (PanelMember, ()),
        (Entry, ()),
        (Conflict, ()),
        (ConflictDeclaration, ()),
        (Assignment, ()),
        (Scorecard, ()),
        (Score, ()),
        (Decision, ()),
        (Ballot, ()),
        (Vote, ()),
        (Criterion, ()),
        (Award, ()),
        (Programme, ()),
        (OfficeRole, ()),
        (Dossier, ()),
        (Nomination, Nomination.WORKING_COPY),
        (get_user_model(), ("last_login",)),
        (get_user_model().groups.through, ()),
    ]
}
# The most recently computed results, in this process. Not the shared cache: a stage of 20,000
# entries pickles to 14 MB and takes longer to unpickle than to recompute most of it; here a
# request that finds them pays one read of the generation's token. Four: a chair switching
# between raw and normalised, and the office doing the same; each is a stage's rows and figures
# (about 150 MB at 20,000 entries, so a process holds at most about 600 MB of them).
RECENT_MAX = 4
_recent: OrderedDict = OrderedDict()
_recent_lock = threading.Lock()


def stage_results(
    stage: Stage,
    viewer,
    *,
    order_by: str = "raw",
    blind: Blindness | None = None,
    criterion_agreement: bool = False,
    cached: bool = True,
) -> StageResults:
    """The ranking of the entries the viewer may see, by raw or normalised score (or votes).

    Kept until any of RANKING_TABLES is written, by any code path: the key carries the
    "ranking" generation, taken before the data is read (plaudit/generations.py). Never inside
    a transaction, whose writes others cannot see yet; `cached=False` for a caller about to
    write (decisions), which should read afresh. The results are shared: read them, do not
    change them."""
    blind = stage.blind if blind is None else blind
    order_by = "normalised" if order_by == "normalised" else "raw"

    def compute() -> StageResults:
        # Hundreds of thousands of objects that live on: the cycle collector would walk them
        # again and again while they are made (plaudit.memory).
        with collector_paused():
            return _stage_results(
                stage, viewer, order_by=order_by, blind=blind, criterion_agreement=criterion_agreement
            )

    return _kept(_recent, RECENT_MAX, (stage.pk, viewer.pk, order_by, blind, criterion_agreement), compute, cached)


# The chair's list of entries no longer judged, kept as the results are (it reads only
# RANKING_TABLES): at 20,000 entries its query is most of a kept ranking page's time. Small.
_recent_left: OrderedDict = OrderedDict()
RECENT_LEFT_MAX = 64


def left_judging(stage: Stage, viewer) -> dict:
    """judging.selectors.left_judging, kept until RANKING_TABLES change (as stage_results is)."""
    return _kept(_recent_left, RECENT_LEFT_MAX, (stage.pk, viewer.pk), lambda: selectors.left_judging(viewer, stage))


def _kept(store: OrderedDict, most: int, key: tuple, compute, cached: bool = True):
    """What `compute` returns, kept in `store` (at most `most` of them) under the "ranking"
    generation's token, taken before anything is read; never inside a transaction."""
    token = generations.current("ranking") if cached and generations.cacheable() else None
    if token is None:
        return compute()
    key = (token, *key)
    with _recent_lock:
        found = store.get(key)
        if found is not None:
            store.move_to_end(key)
            return found
    found = compute()
    with _recent_lock:
        store[key] = found
        while len(store) > most:
            store.popitem(last=False)
    return found


def _stage_results(stage: Stage, viewer, *, order_by: str, blind: Blindness, criterion_agreement: bool) -> StageResults:
    # Built once: building it asks whether the viewer chairs the stage.
    visible = visible_entries(stage, viewer)
    entries = ranked_entries(visible, stage)
    members = stage.members.filter(role=PanelMember.Role.JUDGE).select_related("user", "group")
    judges = {m.user_id: (display_name(m.user), m.group.name if m.group else "") for m in members}
    groups = {m.user_id: (m.group.name if m.group else None) for m in members}
    shares = {g.name: float(g.share) for g in stage.groups.all() if g.share is not None}
    models_criteria, criteria = _criteria(stage)
    ids = [entry.pk for entry in entries]
    voting_points = None
    if stage.mode == Stage.Mode.VOTING:
        voting_points = _votes(stage, ids)
        computed = _ranked_votes(ids, voting_points)
    else:
        # Read once: they void scorecards and take judges off what an entry expects.
        conflicted = conflict_pairs(stage)
        totals, submitted = _card_totals(stage, entries_query=visible, ids=ids, groups=groups, conflicted=conflicted)
        # Agreement per criterion reads every score; only the pages that show it ask for it.
        sums = criterion_sums(submitted) if criterion_agreement else {}
        computed = scoring.compute(
            entries=ids,
            totals=totals,
            criteria=criteria,
            shares=shares,
            order_by=order_by,
            criterion_sums=sums,
            expected=expected_scorecards(stage, ids, conflicted=conflicted),
            minimum=stage.min_scorecards,
            included=[entry.pk for entry in entries if entry.ranked_incomplete_at],
            shortlist=stage.shortlist_size,
            tie_break=stage.tie_break,
            tie_values=criterion_means(submitted, stage.tie_break_criterion)
            if stage.tie_break == Stage.TieBreak.CRITERION
            else None,
        )
    # The stage's decisions, by a plain join, if any entry has one; those of entries not in these
    # results are left out.
    decisions = dict.fromkeys(ids)
    if any(entry.decided for entry in entries):
        for decision in Decision.objects.filter(entry__stage=stage):
            if decision.entry_id in decisions:
                decisions[decision.entry_id] = decision
    by_id = {entry.pk: entry for entry in entries}
    rows = [
        Row(
            entry=by_id[result.entry],
            title=entry_title(by_id[result.entry], stage, blind=blind),
            nominee="" if blind_for(blind, result.entry) else by_id[result.entry].nominee,
            result=result,
            decision=decisions[result.entry],
        )
        for result in computed.ordered()
    ]
    return StageResults(
        stage=stage,
        rows=rows,
        computed=computed,
        order_by=order_by,
        blind=blind,
        judges=judges,
        criteria=models_criteria,
        shares=shares,
        voting_points=voting_points,
    )


def expected_scorecards(stage: Stage, ids, *, conflicted: set | None = None) -> dict[int, int]:
    """How many scorecards each entry expects: its judges (assigned), less any conflicted with it.
    Counted by the database in one query: a count per entry of the judges without a conflict,
    and the assignments of the judges with one (few) one by one, to test against the pairs."""
    conflicted = conflict_pairs(stage) if conflicted is None else conflicted
    judges = {judge_id for judge_id, _ in conflicted}
    counts = (
        Assignment.objects.filter(entry__stage=stage)
        .order_by()
        .values("entry_id", conflicted_judge=Case(When(judge_id__in=judges, then="judge_id"), default=None))
        .annotate(n=Count("pk"))
        .values_list("entry_id", "conflicted_judge", "n")
    )
    expected: Counter = Counter()
    for entry_id, judge_id, n in counts.iterator(chunk_size=5000):
        if (judge_id, entry_id) not in conflicted:
            expected[entry_id] += n
    return {entry_id: expected[entry_id] for entry_id in ids}


def _card_totals(stage, *, entries_query, ids, groups, conflicted):
    """Each submitted scorecard of the entries `ids` as (judge, entry, judge's group, total), as
    scoring.compute takes them: the stored total where there is one (100,000 numbers for the
    largest stage), added up in SQL for any without. The stage's scorecards are read by a plain
    join and those of other entries (a chair's conflicts, entries no longer judged) left out
    here: asking the database to test each scorecard's entry against the viewer's access rule
    took twice as long."""
    every = counted(Scorecard.objects.filter(entry__stage=stage), stage=stage, pairs=conflicted)
    submitted = every.filter(entry__in=entries_query.values("pk"))
    wanted = set(ids)
    totals, missing = [], {}
    for card_id, entry_id, judge_id, total in every.order_by().values_list("pk", "entry_id", "judge_id", "total"):
        if entry_id not in wanted:
            continue
        if total is None:
            missing[card_id] = (entry_id, judge_id)
        else:
            totals.append((judge_id, entry_id, groups.get(judge_id), total))
    if missing:
        for card_id, weighted, weights in card_sums(Scorecard.objects.filter(pk__in=list(missing))):
            entry_id, judge_id = missing[card_id]
            totals.append((judge_id, entry_id, groups.get(judge_id), scoring.total_from_sums(weighted, weights)))
    return totals, submitted


def criterion_means(submitted, key: str) -> dict[int, float]:
    """Each entry's mean score on one criterion over its counted scorecards (N/A left out): what
    breaks ties when the stage breaks them by a criterion."""
    means = (
        Score.objects.filter(scorecard__in=submitted.values("pk"), criterion__key=key, value__isnull=False)
        .order_by()
        .values("scorecard__entry_id")
        .annotate(mean=Avg(Cast("value", FloatField())))
        .values_list("scorecard__entry_id", "mean")
    )
    return dict(means)


def criterion_sums(submitted) -> dict[str, list]:
    """Per criterion key, each entry's count, sum and sum of squares of its values: all that
    Krippendorff's alpha per criterion needs, added up by the database."""
    value = Cast("value", FloatField())
    per_unit = (
        Score.objects.filter(scorecard__in=submitted.values("pk"), value__isnull=False)
        .order_by()
        .values("criterion__key", "scorecard__entry_id")
        .annotate(m=Count("pk"), s=Sum(value), ss=Sum(value * value))
        .values_list("criterion__key", "m", "s", "ss")
    )
    sums: dict[str, list] = defaultdict(list)
    for key, m, s, ss in per_unit:
        sums[key].append((m, s, ss))
    return sums


def _votes(stage: Stage, ids) -> dict[int, int]:
    ballots: dict[int, list] = defaultdict(list)
    # A vote of a judge who has since declared a conflict with the entry is kept, not counted.
    votes = (
        Vote.objects.filter(ballot__stage=stage, ballot__status=Ballot.Status.SUBMITTED, entry_id__in=ids)
        .exclude(conflicted_q(OuterRef("ballot__judge_id"), entry="entry__"))
        .values_list("ballot_id", "entry_id", "rank")
    )
    for ballot_id, entry_id, rank in votes.order_by("ballot_id", "rank"):
        ballots[ballot_id].append((rank, entry_id))
    if stage.voting == Stage.Voting.APPROVAL:
        return scoring.approval_counts([entry for _, entry in ballot] for ballot in ballots.values())
    return scoring.borda_points([[entry for _, entry in sorted(ballot)] for ballot in ballots.values()])


def _ranked_votes(ids, points) -> scoring.Results:
    ranks, tied = scoring.rank({entry: float(points.get(entry, 0)) for entry in ids})
    results = {}
    for entry in ids:
        result = scoring.EntryResult(entry, score=float(points.get(entry, 0)), rank=ranks.get(entry))
        result.normalised_rank, result.tie = result.rank, entry in tied
        if result.tie:
            result.flags.append("tie")
        results[entry] = result
    return scoring.Results(results, None, {}, set(), "raw")


@dataclass
class Explanation:
    """How an entry's figures were reached, judge by judge and criterion by criterion."""

    row: Row
    cards: list[dict]
    group_means: list[tuple[str, int, float, float | None]]  # (group, cards, mean, share)
    stage_mean: float | None
    stage_sd: float | None


def explain(results: StageResults, entry_id: int) -> Explanation | None:
    """The working behind one entry's score, or None if the viewer may not see the entry."""
    row = next((r for r in results.rows if r.entry.pk == entry_id), None)
    if row is None:
        return None
    criteria = results.criteria
    cards = []
    scorecards = (
        counted(Scorecard.objects.filter(entry_id=row.entry.pk), stage=results.stage)
        .prefetch_related("scores")
        .order_by("judge_id")
    )
    for card in scorecards:
        lines = [
            {
                "criterion": line.criterion,
                "value": line.value,
                "na": line.not_applicable,
                "comment": line.comment,
                "part": None
                if line.value is None or float(line.criterion.weight) == 0
                else scoring.fraction(line.value, line.criterion),
            }
            for line in scorecard_lines(card, criteria)
        ]
        name, group = results.judge(card.judge_id)
        cards.append(
            {
                "judge": name,
                "group": group,
                "lines": lines,
                "total": row.result.totals.get(card.judge_id),
                "normalised": row.result.normalised_totals.get(card.judge_id),
                "comment": card.overall_comment,
            }
        )
    pooled: dict[str, list[float]] = defaultdict(list)
    for card in cards:
        if card["total"] is not None:
            key = card["group"] if card["group"] in results.shares else "Others"
            pooled[key].append(card["total"])
    group_means = [
        (group, len(totals), statistics.fmean(totals), scoring.group_share(group, results.shares))
        for group, totals in sorted(pooled.items())
    ]
    every = [t for r in results.rows for t in r.result.totals.values()]
    return Explanation(
        row=row,
        cards=cards,
        group_means=group_means,
        stage_mean=statistics.fmean(every) if every else None,
        stage_sd=scoring.sample_sd(every),
    )


@dataclass
class Spread:
    question: object
    values: list[tuple[str, int, int]]  # (value, in the selection, among all entries)
    selected: int
    total: int


def spread(results: StageResults) -> list[Spread]:
    """For each reportable question: how the selection (entries decided as promoted, shortlisted,
    commended or winner) and all entries are spread across its answers. Blind results leave out
    questions whose answers identify the nominee."""
    questions = results.stage.award.questions.filter(reportable=True, active=True).order_by("position", "id")
    if results.blind:
        # An identifying answer counted once can name the entry: blind results leave it out.
        questions = questions.filter(identifying=False)
    questions = list(questions)
    if not questions:
        return []
    nomination_entry = {}
    for row in results.rows:
        entry = row.entry
        if entry.nomination_id:
            nomination_entry[entry.nomination_id] = entry.pk
    dossier_ids = {row.entry.dossier_id: row.entry.pk for row in results.rows if row.entry.dossier_id}
    # The stage's entries as subqueries, not lists of ids (20,000 of them made a query of 20,000
    # parameters); answers of entries not in these results (a chair's conflicts) are dropped below.
    in_stage = Entry.objects.filter(stage=results.stage)
    answers = Answer.objects.filter(question__in=questions).filter(
        Q(nomination_id__in=in_stage.filter(nomination__isnull=False).values("nomination_id"))
        | Q(nomination__dossier_id__in=in_stage.filter(dossier__isnull=False).values("dossier_id"))
    )
    selected_ids = {row.entry.pk for row in results.rows if row.decision and row.decision.outcome in SELECTED}
    by_question: dict[int, dict[int, set]] = defaultdict(lambda: defaultdict(set))
    for question_id, nomination_id, dossier_id, value in answers.values_list(
        "question_id", "nomination_id", "nomination__dossier_id", "value"
    ):
        entry_id = nomination_entry.get(nomination_id) or dossier_ids.get(dossier_id)
        if entry_id is None:
            continue
        values = value if isinstance(value, list) else [value]
        for item in values:
            if item not in (None, ""):
                by_question[question_id][entry_id].add(str(item))
    spreads = []
    for question in questions:
        per_entry = by_question.get(question.pk, {})
        everywhere, chosen = Counter(), Counter()
        for entry_id, values in per_entry.items():
            for value in values:
                everywhere[value] += 1
                if entry_id in selected_ids:
                    chosen[value] += 1
        order = list(question.choices) if question.choices else sorted(everywhere)
        order += sorted(set(everywhere) - set(order))
        spreads.append(
            Spread(
                question=question,
                values=[(display_value(question, value), chosen[value], everywhere[value]) for value in order],
                selected=len(selected_ids),
                total=len(results.rows),
            )
        )
    return spreads
