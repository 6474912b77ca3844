"""An entry as a judge may see it. Done once here, where data leaves the domain for judges.

In a blind stage the identity block and every `identifying` answer are left out, and the
entry is named by its reference only; answers an award keeps from judges
(`visible_to_judges: false`) are always left out. Pages, emails, exports and PDFs for
judges all take their text from here.
"""

from dataclasses import dataclass, field

from nominations.selectors import display_value, identity_rows

from .models import Entry, Stage


@dataclass
class Statement:
    """One nomination's answers (a dossier has one per nominator)."""

    heading: str
    identity: list[tuple[str, str]]
    answers: dict[str, tuple[str, str]] = field(default_factory=dict)  # question key -> (prompt, value)


def entry_title(entry: Entry, stage: Stage) -> str:
    if stage.blind:
        return entry.reference
    if entry.nomination_id:
        return f"{entry.reference}: {entry.nomination.nominee_name}"
    return f"{entry.reference}: {entry.dossier.title}"


def statements_for_judge(entry: Entry, stage: Stage) -> list[Statement]:
    nominations = (
        [entry.nomination]
        if entry.nomination_id
        else list(entry.dossier.nominations.filter(status="submitted").order_by("reference"))
    )
    statements = []
    for index, nomination in enumerate(nominations, start=1):
        heading = f"Nomination {index} of {len(nominations)}" if len(nominations) > 1 else "The nomination"
        statement = Statement(heading=heading, identity=[] if stage.blind else identity_rows(nomination))
        for answer in nomination.answers.select_related("question").order_by(
            "question__section__position", "question__position"
        ):
            question = answer.question
            if not question.visible_to_judges or (stage.blind and question.identifying) or answer.value in (None, ""):
                continue
            statement.answers[question.key] = (question.prompt, display_value(question, answer.value))
        statements.append(statement)
    return statements


@dataclass
class OtherCard:
    label: str
    scores: list[tuple[str, str, str]]  # (criterion title, value or "Not applicable", comment)
    overall_comment: str


def others_scores(entry: Entry, stage: Stage, judge) -> list[OtherCard] | None:
    """Other judges' submitted scorecards for an entry, for a judge who has submitted their own, when
    the stage allows it; None when it does not. Judges are not named, so nobody is scored against a name."""
    from .models import Scorecard

    if stage.others_scores != Stage.OthersScores.AFTER_OWN:
        return None
    if not Scorecard.objects.filter(entry=entry, judge=judge, status=Scorecard.Status.SUBMITTED).exists():
        return None
    cards = (
        Scorecard.objects.filter(entry=entry, status=Scorecard.Status.SUBMITTED)
        .exclude(judge=judge)
        .prefetch_related("scores__criterion")
        .order_by("submitted_at", "pk")
    )
    others = []
    for index, card in enumerate(cards, start=1):
        scores = [
            (
                score.criterion.title,
                "Not applicable" if score.not_applicable else str(score.value),
                score.comment,
            )
            for score in sorted(card.scores.all(), key=lambda s: (s.criterion.position, s.criterion.pk))
        ]
        others.append(OtherCard(label=f"Another judge ({index})", scores=scores, overall_comment=card.overall_comment))
    return others
