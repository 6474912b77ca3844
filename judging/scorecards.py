"""Saving and submitting scorecards: version checks, scales, N/A, locking and reopening.

Views find the entry through the judge's scoped queryset; these functions check the
rules again inside the transaction that writes (assigned, not conflicted, stage open),
so a tampered id or a stage closing mid-request saves nothing. The autosave, which runs
every few seconds for every judge at work, reads the entry through that rule only there.
"""

from dataclasses import dataclass

from django.db import transaction

from audit import log as audit
from awards.models import Criterion

from .access import entries_for_judge, judges_entry, judges_scorecard, judges_scores
from .conflicts import conflict_pairs
from .models import Entry, Score, Scorecard, Stage
from .scoring import Criterion as ScoringCriterion
from .scoring import card_total
from .scoring_sql import card_sums

NA = "na"


class ScoringRefused(Exception):
    """Nothing was saved; the message says why, in words for the judge, with a message per criterion key."""

    def __init__(self, message: str, problems: dict[str, str] | None = None):
        super().__init__(message)
        self.problems = problems or {}


class StaleScorecard(ScoringRefused):
    """Another tab or device saved this scorecard since this page was loaded."""


class NotTheJudgesEntry(Exception):
    """The judge may not open this entry (not assigned, conflicted, not declared for, no longer
    judged, or no such entry): the views answer 404, as for any entry they may not see."""


@dataclass
class ScoreInput:
    value: str  # a whole number, "na", or "" for not yet scored
    comment: str = ""


def _check_open(stage: Stage, now):
    if stage.closes_at and now >= stage.closes_at:
        raise ScoringRefused("This stage has closed: scores can no longer be changed.")
    if stage.opens_at and now < stage.opens_at:
        raise ScoringRefused("This stage has not opened yet.")


def _check_may_score(*, entry: Entry, judge, now):
    stage: Stage = entry.stage
    _check_open(stage, now)
    # The same rule as the pages (assigned, declared for, not conflicted, still judged), asked
    # again inside the transaction that writes.
    if not entries_for_judge(judge, stage).filter(pk=entry.pk).exists():
        raise ScoringRefused(
            "You can no longer score this entry: it is not assigned to you, you have a conflict of interest "
            "with it, or it has left judging."
        )


def counted(scorecards, *, stage: Stage, pairs: set | None = None):
    """The scorecards that count in the stage's results: submitted, and not by a judge who has
    since declared (or been found to have) a conflict with the entry; those are kept for the
    record, not counted. The conflicted ones are found through the stage's conflict pairs, which
    read only the entries conflicts touch (a condition per scorecard took seconds at 15,000).
    `pairs`: the stage's conflict pairs, where the caller has them already."""
    return scorecards.filter(status=Scorecard.Status.SUBMITTED).exclude(pk__in=void_scorecards(stage, pairs))


@dataclass(frozen=True, slots=True)
class Line:
    """A scorecard's score for one criterion (None where it has none), for the pages and files that
    show scores criterion by criterion."""

    criterion: Criterion
    score: Score | None

    @property
    def value(self) -> int | None:
        return None if self.score is None or self.score.not_applicable else self.score.value

    @property
    def not_applicable(self) -> bool:
        return self.score is not None and self.score.not_applicable

    @property
    def comment(self) -> str:
        return self.score.comment if self.score else ""


def lines(card: Scorecard, criteria) -> list[Line]:
    """The card's score for each of the criteria, in their order. Reads `card.scores.all()` once
    (prefetch it for many cards)."""
    by_criterion = {score.criterion_id: score for score in card.scores.all()}
    return [Line(criterion, by_criterion.get(criterion.pk)) for criterion in criteria]


def void_scorecards(stage: Stage, pairs: set | None = None) -> list[int]:
    """Ids of the stage's scorecards by a judge conflicted with the entry."""
    pairs = conflict_pairs(stage) if pairs is None else pairs
    if not pairs:
        return []
    touched = Scorecard.objects.filter(entry_id__in={entry_id for _judge, entry_id in pairs})
    return [
        pk
        for pk, judge_id, entry_id in touched.values_list("pk", "judge_id", "entry_id")
        if (judge_id, entry_id) in pairs
    ]


def comment_missing(criterion: Criterion, value: int | None, comment: str, rule: str) -> str | None:
    """Why a submitted score needs a comment it lacks, under the stage's rule, or None."""
    if comment.strip() or value is None or rule == Stage.Comments.OPTIONAL:
        return None
    if rule == Stage.Comments.ALWAYS:
        return f"Explain your score for “{criterion.title}”: this stage asks for a comment on every score"
    if value in (criterion.scale_min, criterion.scale_max):
        return (
            f"Explain your score of {value} for “{criterion.title}”: this stage asks for a comment on a score "
            "at either end of the scale"
        )
    return None


def _parse(
    criteria: list[Criterion], scores: dict[str, ScoreInput], *, complete: bool, comments: str = "optional"
) -> tuple[dict, dict[str, str]]:
    """Turn the judge's inputs into values, with a message per criterion key for anything wrong.
    `complete` (submitting): every criterion scored, and commented where the stage's rule asks."""
    parsed, problems = {}, {}
    for criterion in criteria:
        given = scores.get(criterion.key, ScoreInput(""))
        raw = (given.value or "").strip().lower()
        if raw == NA:
            if not criterion.allow_na:
                problems[criterion.key] = f"“{criterion.title}” cannot be marked not applicable"
                continue
            parsed[criterion.key] = (None, True, given.comment)
        elif raw == "":
            if complete:
                problems[criterion.key] = f"Choose a score for “{criterion.title}”"
            parsed[criterion.key] = (None, False, given.comment)
        else:
            try:
                value = int(raw)
            except ValueError:
                problems[criterion.key] = f"The score for “{criterion.title}” must be a whole number"
                continue
            if not criterion.scale_min <= value <= criterion.scale_max:
                problems[criterion.key] = (
                    f"The score for “{criterion.title}” must be from {criterion.scale_min} to {criterion.scale_max}"
                )
                continue
            parsed[criterion.key] = (value, False, given.comment)
            missing = comment_missing(criterion, value, given.comment or "", comments) if complete else None
            if missing:
                problems[criterion.key] = missing
    unknown = set(scores) - {c.key for c in criteria}
    for key in sorted(unknown):
        problems[key] = "This is not a criterion of the award"
    return parsed, problems


def for_scoring(criteria) -> list[ScoringCriterion]:
    """The award's criteria as the scoring maths takes them."""
    return [ScoringCriterion(c.key, float(c.weight), c.scale_min, c.scale_max) for c in criteria]


def saved_total(card: Scorecard | None, criteria) -> float | None:
    """A saved scorecard's total on 0-100 (a draft's too), by the scoring maths: what the judge's
    running total and the submit summary show, and what submitting stores."""
    if card is None:
        return None
    return card_total({line.criterion.key: line.value for line in lines(card, criteria)}, for_scoring(criteria))


def submission_problems(stage: Stage, criteria: list[Criterion], scores: dict[str, ScoreInput]) -> dict[str, str]:
    """What would stop these scores being submitted, by criterion key (nothing: ready to submit)."""
    return _parse(criteria, scores, complete=True, comments=stage.comments_required)[1]


def saved_inputs(scorecard: Scorecard | None, criteria: list[Criterion]) -> dict[str, ScoreInput]:
    """A saved scorecard's scores as the inputs that saved them: what submitting the draft sends."""
    inputs = {}
    for line in lines(scorecard, criteria) if scorecard else []:
        if line.score is None:
            continue
        value = NA if line.not_applicable else ("" if line.value is None else str(line.value))
        inputs[line.criterion.key] = ScoreInput(value, line.comment)
    return inputs


def scorecard_save(
    *,
    entry: Entry,
    judge,
    scores: dict[str, ScoreInput],
    overall_comment: str,
    version: int,
    now,
    submit: bool = False,
    criteria: list | None = None,
) -> Scorecard:
    """Save a draft (or submit) in one transaction; refuse, saving nothing, if anything is wrong.

    `version` is the scorecard version the page was loaded with; a mismatch raises StaleScorecard.
    Submitting needs every criterion scored (or N/A where allowed) and locks the scorecard.
    `criteria` are the award's criteria in order, where the caller has read them already.
    """
    if criteria is None:
        criteria = list(entry.stage.award.criteria.order_by("position", "id"))
    parsed = _parsed(criteria, scores, submit=submit, stage=entry.stage)
    with transaction.atomic():
        _check_may_score(entry=entry, judge=judge, now=now)
        return _write(entry, judge, criteria, parsed, overall_comment, version, now, submit)


def scorecard_autosave(
    *,
    stage: Stage,
    entry_id: int,
    judge,
    criteria: list,
    scores: dict[str, ScoreInput],
    overall_comment: str,
    version: int,
    now,
) -> Scorecard:
    """Save a draft of the entry with this id, as the scoring page does every few seconds while
    the judge works. The entry is read through the judge's access rule once, inside the
    transaction that writes, by its kept SQL (judges_scores, judges_scorecard, judges_entry:
    building and compiling that rule's query was most of an autosave's time); once the judge has
    scored it, the scorecard comes locked with its scores in that one query. Raises
    NotTheJudgesEntry when the judge may not open it."""
    parsed = _parsed(criteria, scores, submit=False, stage=stage)
    with transaction.atomic():
        saved = judges_scores(judge, stage, entry_id)
        scorecard = saved[0].scorecard if saved else judges_scorecard(judge, stage, entry_id)
        entry = scorecard.entry if scorecard else judges_entry(judge, stage, entry_id)
        if entry is None:
            raise NotTheJudgesEntry(entry_id)
        _check_open(stage, now)
        return _write(
            entry,
            judge,
            criteria,
            parsed,
            overall_comment,
            version,
            now,
            submit=False,
            scorecard=scorecard,
            saved=saved,
        )


def _parsed(criteria, scores, *, submit: bool, stage: Stage) -> dict:
    parsed, problems = _parse(criteria, scores, complete=submit, comments=stage.comments_required)
    if problems:
        raise ScoringRefused("Some scores need attention.", problems)
    return parsed


def _write(
    entry, judge, criteria, parsed, overall_comment, version, now, submit, scorecard=None, saved=None
) -> Scorecard:
    """The writes of a save, inside its transaction, once the judge may score the entry.
    `scorecard`: the judge's scorecard for it, already read locked in this transaction; `saved`:
    its scores, where they were read with it."""
    if scorecard is None:
        # Read locked (or made, and so held by this transaction until it ends).
        scorecard, _ = Scorecard.objects.select_for_update().get_or_create(entry=entry, judge=judge)
    if scorecard.status == Scorecard.Status.SUBMITTED:
        raise ScoringRefused("You have submitted this scorecard; ask the chair to reopen it to change it.")
    if scorecard.version != version:
        raise StaleScorecard("These scores were changed in another tab or device. Reload to see the latest.")
    existing = {score.criterion_id: score for score in (saved or scorecard.scores.all())}
    changes = {}
    for criterion in criteria:
        value, not_applicable, comment = parsed[criterion.key]
        score = existing.get(criterion.pk) or Score(scorecard=scorecard, criterion=criterion)
        old = "N/A" if score.not_applicable else score.value
        new = "N/A" if not_applicable else value
        if score.pk is not None and old == new and score.comment == comment:
            continue  # autosave sends every score each time; only what changed is written
        changes[criterion.key] = {"from": old if score.pk else None, "to": new}
        score.value, score.not_applicable, score.comment = value, not_applicable, comment
        score.save()
    scorecard.overall_comment = overall_comment
    scorecard.version += 1
    if submit:
        scorecard.status = Scorecard.Status.SUBMITTED
        scorecard.submitted_at = now
        scorecard.total = card_total(
            {c.key: parsed[c.key][0] for c in criteria},
            for_scoring(criteria),
        )
    scorecard.save()
    if changes or submit:
        audit.record(
            audit.Action.SCORE,
            f"Scorecard for {entry.reference} {'submitted' if submit else 'saved'} (version {scorecard.version})",
            actor=judge,
            subject=f"scorecard:{scorecard.pk}",
            data={"changes": changes},
        )
    return scorecard


def scorecard_reopen(*, scorecard: Scorecard, now, by=None) -> Scorecard:
    """The chair reopens a submitted scorecard so its judge can change it."""
    with transaction.atomic():
        locked = Scorecard.objects.select_for_update().get(pk=scorecard.pk)
        locked.status = Scorecard.Status.DRAFT
        locked.total = None
        locked.reopened_at = now
        locked.version += 1
        locked.save()
        audit.record(audit.Action.SCORE, f"Scorecard {locked.pk} reopened", actor=by, subject=f"scorecard:{locked.pk}")
    return locked


def totals_refresh(*, award) -> int:
    """Recompute the stored total of every submitted scorecard of an award (an Award or its id), in
    the database (after its criteria's weights or scales change, or after scorecards were written in bulk)."""
    cards = Scorecard.objects.filter(entry__stage__award=award, status=Scorecard.Status.SUBMITTED)
    updated = []
    for card_id, weighted, weights in card_sums(cards):
        updated.append(Scorecard(pk=card_id, total=100.0 * weighted / weights if weights else None))
    with transaction.atomic():
        Scorecard.objects.bulk_update(updated, ["total"], batch_size=5000)
    return len(updated)
