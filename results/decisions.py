"""Decisions on entries, their log, promotion into the next stage, and outcome emails to nominators.

Decisions are recorded as pending (in bulk, with a reason) and take effect when the chair
applies them: promoted entries then enter the next stage. Every change is appended to
DecisionLog. Outcome emails are rendered from the office's templates, logged one per
nominator and outcome (so nobody is told twice), and sent through the task queue.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q

from audit import log as audit
from judging.entries import nominations_of
from judging.models import (
    Audience,
    Decision,
    DecisionLog,
    Entry,
    OutcomeEmail,
    OutcomeTemplate,
    Score,
    Scorecard,
    Stage,
)
from judging.scorecards import counted
from nominations.models import Nomination
from plaudit import addresses
from plaudit import text as text_rules
from plaudit.text import one_line

from .tasks import send_outcome_email

PLACEHOLDERS = {
    "nominee": "the nominee's name",
    "nominator": "the nominator's name",
    "reference": "the nomination's reference",
    "award": "the award",
    "programme": "the programme",
    "stage": "the stage",
    "outcome": "the outcome, in words",
    "feedback": "the judges' comments the office has approved (empty if none)",
}

DEFAULT_TEMPLATES = {
    Decision.Outcome.PROMOTED: (
        "Your nomination for {award} goes through to the next stage",
        "Dear {nominator},\n\nThank you for nominating {nominee} ({reference}) for {award}. The judging "
        "panel has taken the nomination through to the next stage of judging.\n\n{feedback}\n"
        "We will be in touch again when the next stage is over.\n\nWith thanks,\nThe {programme} team",
    ),
    Decision.Outcome.SHORTLISTED: (
        "Your nomination for {award} has been shortlisted",
        "Dear {nominator},\n\nWe are delighted to tell you that {nominee} ({reference}) has been shortlisted "
        "for {award}.\n\n{feedback}\nWith thanks,\nThe {programme} team",
    ),
    Decision.Outcome.HIGHLY_COMMENDED: (
        "Your nomination for {award} is highly commended",
        "Dear {nominator},\n\nThe judges have highly commended {nominee} ({reference}) in {award}.\n\n"
        "{feedback}\nWith thanks,\nThe {programme} team",
    ),
    Decision.Outcome.WINNER: (
        "Your nomination has won {award}",
        "Dear {nominator},\n\nWe are delighted to tell you that {nominee} ({reference}) has won {award}.\n\n"
        "{feedback}\nWith thanks,\nThe {programme} team",
    ),
    Decision.Outcome.NOT_PROGRESSED: (
        "Your nomination for {award}",
        "Dear {nominator},\n\nThank you for nominating {nominee} ({reference}) for {award}. There were many "
        "strong nominations, and this one has not gone through to the next stage.\n\n{feedback}\n"
        "Thank you for taking the time to recognise a colleague.\n\nWith thanks,\nThe {programme} team",
    ),
}


# What a nominee is told: they agreed to be nominated, and the consent page promised the outcome.
NOMINEE_TEMPLATES = {
    Decision.Outcome.PROMOTED: (
        "Your nomination for {award} goes through to the next stage",
        "Dear {nominee},\n\nYou were nominated for {award} ({reference}). The judging panel has taken your "
        "nomination through to the next stage of judging.\n\n{feedback}\nWe will be in touch again when "
        "the next stage is over.\n\nWith best wishes,\nThe {programme} team",
    ),
    Decision.Outcome.SHORTLISTED: (
        "You have been shortlisted for {award}",
        "Dear {nominee},\n\nWe are delighted to tell you that you have been shortlisted for {award} "
        "({reference}).\n\n{feedback}\nWith best wishes,\nThe {programme} team",
    ),
    Decision.Outcome.HIGHLY_COMMENDED: (
        "You are highly commended in {award}",
        "Dear {nominee},\n\nThe judges have highly commended you in {award} ({reference}).\n\n{feedback}\n"
        "With best wishes,\nThe {programme} team",
    ),
    Decision.Outcome.WINNER: (
        "You have won {award}",
        "Dear {nominee},\n\nWe are delighted to tell you that you have won {award} ({reference}).\n\n"
        "{feedback}\nWith best wishes,\nThe {programme} team",
    ),
    Decision.Outcome.NOT_PROGRESSED: (
        "Your nomination for {award}",
        "Dear {nominee},\n\nYou were nominated for {award} ({reference}). There were many strong "
        "nominations, and yours has not gone through to the next stage. Being nominated at all says a "
        "great deal about the difference you make.\n\n{feedback}\nWith best wishes,\nThe {programme} team",
    ),
}


class DecisionRefused(Exception):
    """A decision the rules forbid; nothing was changed."""


def decisions_record(*, stage: Stage, entries: list[Entry], outcome: str, reason: str, by, now) -> int:
    """Record (or change) a pending decision on each entry, logging each change. Applied decisions stay as they are."""
    if outcome not in Decision.Outcome.values:
        raise DecisionRefused("Choose an outcome.")
    if outcome == Decision.Outcome.PROMOTED and next_stage(stage) is None:
        raise DecisionRefused("There is no later stage to promote entries to. Add one first, or shortlist instead.")
    changed = 0
    with transaction.atomic():
        for entry in entries:
            decision = Decision.objects.select_for_update().filter(entry=entry).first()
            if decision and decision.status == Decision.Status.APPLIED:
                raise DecisionRefused(f"The decision on {entry.reference} has been applied and cannot be changed here.")
            previous = decision.outcome if decision else ""
            if decision is None:
                decision = Decision(entry=entry)
            decision.outcome, decision.reason, decision.decided_by, decision.decided_at = outcome, reason, by, now
            decision.save()
            audit.record(
                audit.Action.DECISION,
                f"{entry.reference}: {previous or 'no decision'} → {outcome} (pending)",
                actor=by,
                subject=f"entry:{entry.pk}",
                data={"reason": reason},
            )
            DecisionLog.objects.create(
                entry=entry,
                action="changed" if previous else "recorded",
                outcome=outcome,
                previous=previous,
                reason=reason,
                by=by,
                at=now,
            )
            changed += 1
    return changed


def decisions_clear(*, entries: list[Entry], by, now) -> int:
    """Take pending decisions off entries (applied ones stay)."""
    cleared = 0
    with transaction.atomic():
        for decision in Decision.objects.select_for_update().filter(entry__in=entries, status=Decision.Status.PENDING):
            DecisionLog.objects.create(entry=decision.entry, action="cleared", previous=decision.outcome, by=by, at=now)
            decision.delete()
            cleared += 1
    return cleared


class RankingRefused(Exception):
    """Nothing to include or leave out: the message says why."""


def entries_rank_as_they_are(*, stage: Stage, entries: list[Entry], incomplete: set[int], by, now) -> int:
    """The chair's deliberate choice to rank entries that have fewer scorecards than the stage
    needs, on the scorecards they have. Only entries in `incomplete` (unranked, with at least
    one scorecard) are changed; each choice is recorded on the entry and in the audit log."""
    chosen = [entry for entry in entries if entry.pk in incomplete]
    if not chosen:
        raise RankingRefused("Tick an incomplete entry that has at least one scorecard to rank it as it is")
    return _ranked_as_they_are(stage, chosen, at=now, by=by, what="ranked as they are, without every scorecard")


def entries_wait_for_scorecards(*, stage: Stage, entries: list[Entry], by) -> int:
    """Undo `entries_rank_as_they_are`: the entries are unranked again until complete. Recorded."""
    chosen = [entry for entry in entries if entry.ranked_incomplete_at]
    if not chosen:
        raise RankingRefused("Tick an entry you chose to rank as it is")
    return _ranked_as_they_are(stage, chosen, at=None, by=by, what="unranked until their scorecards are in")


def _ranked_as_they_are(stage: Stage, chosen: list[Entry], *, at, by, what: str) -> int:
    with transaction.atomic():
        Entry.objects.filter(pk__in=[e.pk for e in chosen], stage=stage).update(
            ranked_incomplete_at=at, ranked_incomplete_by=by if at else None
        )
        audit.record(
            audit.Action.DECISION,
            f"{stage}: {what}: {', '.join(sorted(e.reference for e in chosen))}",
            actor=by,
            subject=f"stage:{stage.pk}",
        )
    return len(chosen)


def next_stage(stage: Stage) -> Stage | None:
    """The stage after this one in the same award that takes promoted entries."""
    return (
        Stage.objects.filter(award=stage.award, entries_from=Stage.EntriesFrom.PROMOTED)
        .filter(position__gt=stage.position)
        .order_by("position", "id")
        .first()
        or Stage.objects.filter(
            award=stage.award, entries_from=Stage.EntriesFrom.PROMOTED, position=stage.position, pk__gt=stage.pk
        )
        .order_by("id")
        .first()
    )


def decisions_apply(*, stage: Stage, entries, by, now) -> tuple[int, int]:
    """Apply the pending decisions on the given entries; promoted entries enter the next stage.
    Returns (applied, promoted)."""
    applied = promoted = 0
    following = next_stage(stage)
    with transaction.atomic():
        pending = Decision.objects.select_for_update(of=("self",)).filter(
            entry__in=entries, status=Decision.Status.PENDING
        )
        for decision in pending.select_related("entry"):
            decision.status, decision.applied_at = Decision.Status.APPLIED, now
            decision.save(update_fields=["status", "applied_at"])
            DecisionLog.objects.create(
                entry=decision.entry, action="applied", outcome=decision.outcome, reason=decision.reason, by=by, at=now
            )
            audit.record(
                audit.Action.DECISION,
                f"{decision.entry.reference}: {decision.outcome} applied",
                actor=by,
                subject=f"entry:{decision.entry_id}",
            )
            applied += 1
            if decision.outcome == Decision.Outcome.PROMOTED:
                if following is None:
                    raise DecisionRefused("There is no later stage to promote entries to.")
                entry = decision.entry
                Entry.objects.get_or_create(stage=following, nomination=entry.nomination, dossier=entry.dossier)
                promoted += 1
    return applied, promoted


def outcome_template(stage: Stage, outcome: str, audience: str = Audience.NOMINATOR) -> OutcomeTemplate:
    """The stage's template for an outcome and audience, created from the default wording the first time."""
    defaults = NOMINEE_TEMPLATES if audience == Audience.NOMINEE else DEFAULT_TEMPLATES
    subject, body = defaults[outcome]
    template, _ = OutcomeTemplate.objects.get_or_create(
        stage=stage, outcome=outcome, audience=audience, defaults={"subject": subject, "body": body}
    )
    return template


def unknown_placeholders(text: str) -> list[str]:
    return text_rules.unknown_placeholders(text, PLACEHOLDERS)


def fill(text: str, values: dict) -> str:
    """Put values in for {placeholders}; anything else in braces stays as written."""
    return text_rules.fill_placeholders(text, values)


def approved_feedback(entry: Entry) -> list[str]:
    """The judges' comments the office approved for the nominator, without any judge's name."""
    return approved_feedback_for([entry])[entry.pk]


def approved_feedback_for(entries) -> dict[int, list[str]]:
    """approved_feedback for many entries (of one stage) at once, in a fixed few queries."""
    entries = list(entries)
    comments: dict[int, list[str]] = {entry.pk: [] for entry in entries}
    if not entries:
        return comments
    cards = (
        counted(Scorecard.objects.filter(entry__in=list(comments)), stage=entries[0].stage)
        .filter(Q(feedback_approved=True) | Q(scores__feedback_approved=True))
        .distinct()
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=Score.objects.filter(feedback_approved=True)
                .select_related("criterion")
                .order_by("criterion__position", "criterion_id"),
            )
        )
    )
    for card in cards.order_by("entry_id", "pk"):
        for score in card.scores.all():
            if score.comment.strip():
                # As the office edited it, where it did.
                words = score.feedback_text.strip() or score.comment.strip()
                comments[card.entry_id].append(f"{score.criterion.title}: {words}")
        if card.feedback_approved and card.overall_comment.strip():
            comments[card.entry_id].append(card.feedback_text.strip() or card.overall_comment.strip())
    return comments


def feedback_items(entry: Entry) -> list[tuple[str, str, str, bool]]:
    """Every judge's comment on an entry, for the office to approve or not: (key, criterion or
    "Overall", comment, approved), keyed "score-<id>" or "card-<id>", without judges' names."""
    return [(c.key, c.criterion, c.comment, c.approved) for c in comments_to_moderate([entry])[entry.pk]]


def feedback_approve(*, entry: Entry, chosen: set[str], by) -> int:
    """Approve exactly the chosen comments of an entry (keys from feedback_items) to go to its
    nominators, and no others. Keys of other entries are ignored. Returns how many are approved."""
    with transaction.atomic():
        items = feedback_items(entry)
        keys = {key for key, *_ in items}
        approved = chosen & keys
        score_ids = {int(key[6:]) for key in keys if key.startswith("score-")}
        card_ids = {int(key[5:]) for key in keys if key.startswith("card-")}
        Score.objects.filter(pk__in=score_ids).update(feedback_approved=False, feedback_reviewed=True)
        Score.objects.filter(pk__in={i for i in score_ids if f"score-{i}" in approved}).update(feedback_approved=True)
        Scorecard.objects.filter(entry=entry).update(feedback_approved=False)
        Scorecard.objects.filter(pk__in=card_ids).update(feedback_reviewed=True)
        Scorecard.objects.filter(pk__in={i for i in card_ids if f"card-{i}" in approved}).update(feedback_approved=True)
        audit.record(
            audit.Action.DECISION,
            f"Feedback for {entry.reference}: {len(approved)} of {len(keys)} comments approved for the nominator",
            actor=by,
            subject=f"entry:{entry.pk}",
            data={"approved": sorted(approved)},
        )
    return len(approved)


@dataclass
class Comment:
    """A judge's comment as the office moderates it, never with the judge's name."""

    key: str  # score-<id> or card-<id>
    criterion: str  # or "Overall"
    comment: str
    approved: bool
    text: str  # the office's edited version, if any
    reviewed: bool

    @property
    def verdict(self) -> str:
        if not self.reviewed:
            return ""
        if not self.approved:
            return "reject"
        return "edit" if self.text.strip() else "approve"


def comments_to_moderate(entries) -> dict[int, list[Comment]]:
    """Every counted comment of the given entries (of one stage), by entry, in a fixed few queries."""
    entries = list(entries)
    found: dict[int, list[Comment]] = {entry.pk: [] for entry in entries}
    if not entries:
        return found
    cards = (
        counted(Scorecard.objects.filter(entry__in=list(found)), stage=entries[0].stage)
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion")))
        .order_by("entry_id", "pk")
    )
    for card in cards:
        for score in sorted(card.scores.all(), key=lambda s: (s.criterion.position, s.criterion_id)):
            if score.comment.strip():
                found[card.entry_id].append(
                    Comment(
                        f"score-{score.pk}",
                        score.criterion.title,
                        score.comment,
                        score.feedback_approved,
                        score.feedback_text,
                        score.feedback_reviewed,
                    )
                )
        if card.overall_comment.strip():
            found[card.entry_id].append(
                Comment(
                    f"card-{card.pk}",
                    "Overall",
                    card.overall_comment,
                    card.feedback_approved,
                    card.feedback_text,
                    card.feedback_reviewed,
                )
            )
    return found


class ModerationProblems(Exception):
    """Edits that cannot be saved, by comment key; nothing was saved."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("; ".join(problems.values()))


VERDICTS = {"", "approve", "edit", "reject"}


def has_comments_q(*, unreviewed: bool = False) -> Q:
    """Entries with a comment on a submitted scorecard (not reviewed yet, if asked), as a filter."""
    scores = Score.objects.filter(scorecard__entry=OuterRef("pk"), scorecard__status=Scorecard.Status.SUBMITTED)
    cards = Scorecard.objects.filter(entry=OuterRef("pk"), status=Scorecard.Status.SUBMITTED)
    if unreviewed:
        scores, cards = scores.filter(feedback_reviewed=False), cards.filter(feedback_reviewed=False)
    return Q(Exists(scores.exclude(comment=""))) | Q(Exists(cards.exclude(overall_comment="")))


def feedback_moderate(*, entries, verdicts: dict[str, tuple[str, str]], by) -> dict[str, int]:
    """The office's verdict on many comments at once: approve as written, approve as edited (the
    edit goes to the nominator instead, e.g. with a name or a remark taken out), reject, or leave
    for later (""). Only comments of the given entries are touched; keys of others are ignored.
    All or nothing: an edit left empty raises ModerationProblems and nothing is saved. Returns
    how many of each verdict were given; audited."""
    known = {c.key: c for group in comments_to_moderate(entries).values() for c in group}
    chosen = {key: (verdict, text) for key, (verdict, text) in verdicts.items() if key in known and verdict}
    problems = {}
    for key, (verdict, text) in chosen.items():
        if verdict not in VERDICTS:
            problems[key] = "Choose approve, approve as edited, reject or not yet"
        elif verdict == "edit" and not text.strip():
            problems[key] = "Write the comment as the nominator should read it, or approve it as written"
        elif verdict == "edit" and len(text) > 5000:
            problems[key] = "Keep the edited comment to 5,000 characters"
    if problems:
        raise ModerationProblems(problems)
    counts = {"approve": 0, "edit": 0, "reject": 0}
    with transaction.atomic():
        for key, (verdict, text) in chosen.items():
            kind, pk = key.split("-", 1)
            model = Score if kind == "score" else Scorecard
            model.objects.filter(pk=int(pk)).update(
                feedback_approved=verdict in ("approve", "edit"),
                feedback_text=text.strip() if verdict == "edit" else "",
                feedback_reviewed=True,
            )
            counts[verdict] += 1
        if chosen:
            audit.record(
                audit.Action.DECISION,
                f"Judges' comments moderated for the nominators: {counts['approve']} approved, "
                f"{counts['edit']} approved as edited, {counts['reject']} rejected",
                actor=by,
                data={"verdicts": {key: verdict for key, (verdict, _text) in chosen.items()}},
            )
    return counts


def message_for(template: OutcomeTemplate, entry: Entry, nomination, comments=None, *, names=True) -> tuple[str, str]:
    """The subject and body one nominator receives (`comments`: the entry's approved feedback,
    when the caller has read it already). With `names=False` (a preview for someone who may not
    see who is nominated, in a blind stage) the people's names stay as named placeholders."""
    stage = template.stage
    feedback = ""
    if template.include_feedback:
        comments = approved_feedback(entry) if comments is None else comments
        if comments:
            # Quoted, one line each: the judges' words, never able to read as the office's own.
            feedback = "What the judges said:\n" + "\n".join(f"- “{one_line(c, 2000)}”" for c in comments) + "\n"
    values = {
        "nominee": one_line(nomination.nominee_name or "your nominee") if names else "[the nominee's name]",
        "nominator": one_line(nomination.nominator_name or "nominator") if names else "[the nominator's name]",
        "reference": nomination.reference,
        "award": stage.award.title,
        "programme": stage.award.programme.name,
        "stage": stage.name,
        "outcome": Decision.Outcome(template.outcome).label.lower(),
        "feedback": feedback,
    }
    return one_line(fill(template.subject, values), 300), fill(template.body, values)


@dataclass
class Recipients:
    """Who an outcome's email goes to now: each (entry, nomination, earlier email to reuse), and
    how many nominators had it already (sent or queued, so not again)."""

    due: list = field(default_factory=list)
    already: int = 0

    @property
    def entries(self) -> int:
        return len({entry.pk for entry, _nomination, _email in self.due})


def receives(nomination: Nomination, audience: str) -> bool:
    """Whether this nomination's nominator, or nominee, is told its outcome. Every nominator is.
    A nominee is only when they agreed to be nominated (the consent page promised them the
    outcome) and their details are still there: never one who declined or asked for their
    details to be removed, nor one who was not asked (they may not know), nor one who nominated
    themselves (they are told as the nominator)."""
    if audience == Audience.NOMINATOR:
        return bool(nomination.nominator_email)
    return (
        nomination.consent_status == Nomination.Consent.CONFIRMED
        and not nomination.self_nomination
        and bool(nomination.nominee_email)
    )


def outcome_recipients(*, stage: Stage, outcome: str, entries, audience: str = Audience.NOMINATOR) -> Recipients:
    """The one rule of who gets an outcome email: every nominator (or nominee, see `receives`) of
    an entry with an applied decision of this outcome (a dossier's each), once; one whose email
    failed is due again. The confirmation page counts it; outcome_emails_queue sends it."""
    decided = list(
        Decision.objects.filter(entry__in=entries, outcome=outcome, status=Decision.Status.APPLIED)
        .select_related("entry__nomination", "entry__dossier", "entry__stage__award__programme")
        .order_by("entry_id")
    )
    shown = nominations_of([d.entry for d in decided])
    earlier = {
        email.nomination_id: email
        for email in OutcomeEmail.objects.filter(
            stage=stage,
            outcome=outcome,
            audience=audience,
            nomination__in=[n for group in shown.values() for n in group],
        )
    }
    recipients = Recipients()
    for decision in decided:
        # A dossier's nominations share a nominee: they hear once per entry, not once per nomination.
        told = set()
        for nomination in shown[decision.entry.pk]:
            if not receives(nomination, audience):
                continue
            if audience == Audience.NOMINEE:
                address = addresses.normalised_or_none(nomination.nominee_email) or nomination.nominee_email
                if address in told:
                    continue
                told.add(address)
            email = earlier.get(nomination.pk)
            if email and email.status != OutcomeEmail.Status.FAILED:
                recipients.already += 1
            else:
                recipients.due.append((decision.entry, nomination, email))
    return recipients


def outcome_emails_queue(
    *, stage: Stage, outcome: str, entries, by, now, audience: str = Audience.NOMINATOR
) -> tuple[int, int]:
    """Queue the outcome email to every nominator (or nominee) of an applied decision with this
    outcome, once each. Returns (queued, already sent or queued before)."""
    template = outcome_template(stage, outcome, audience)
    queued = 0
    with transaction.atomic():
        # One sender at a time per stage and outcome (two chairs pressing send at once queue each
        # email once); what was sent or queued before is read once for the whole batch, which
        # for "not progressed" can be hundreds of nominators.
        OutcomeTemplate.objects.select_for_update().filter(pk=template.pk).first()
        recipients = outcome_recipients(stage=stage, outcome=outcome, entries=entries, audience=audience)
        due_entries = list({entry.pk: entry for entry, _n, _e in recipients.due}.values())
        feedback = approved_feedback_for(due_entries) if template.include_feedback else {}
        for entry, nomination, email in recipients.due:
            email = email or OutcomeEmail(stage=stage, nomination=nomination, outcome=outcome, audience=audience)
            email.subject, email.body = message_for(template, entry, nomination, feedback.get(entry.pk))
            email.to = nomination.nominee_email if audience == Audience.NOMINEE else nomination.nominator_email
            email.queued_by, email.queued_at = by, now
            email.status, email.error = OutcomeEmail.Status.QUEUED, ""
            email.save()
            transaction.on_commit(lambda pk=email.pk: send_outcome_email.enqueue(pk))
            queued += 1
    return queued, recipients.already
