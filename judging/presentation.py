"""An entry as a judge may see it. Done once here, where data leaves the domain for judges.

In a blind stage the identity block and every `identifying` answer are left out, and the
entry is named by its reference only; answers an award keeps from judges
(`visible_to_judges: false`) are always left out. Pages, emails, exports and PDFs for
judges all take their text from here.
"""

from dataclasses import dataclass, field

from django.urls import reverse

from nominations.builder import is_file
from nominations.models import Answer, Endorsement, Nomination
from nominations.selectors import display_value, identity_rows

from .entries import Blindness, blind_for, nominations_of
from .models import Entry, Scorecard, Stage
from .scorecards import counted, lines


@dataclass
class Statement:
    """One nomination's answers (a dossier has one per nominator)."""

    heading: str
    identity: list[tuple[str, str]]
    answers: dict[str, tuple[str, str]] = field(default_factory=dict)  # question key -> (prompt, value)
    sections: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)  # (title, [(prompt, value)])
    links: dict[str, str] = field(default_factory=dict)  # question key -> where a judge downloads the file

    @property
    def rows(self) -> list[tuple[str, str, str | None]]:
        """(prompt, value, download link or None) for each answer, for the pages."""
        return [(prompt, value, self.links.get(key)) for key, (prompt, value) in self.answers.items()]


def entry_title(entry: Entry, stage: Stage, *, blind: Blindness | None = None) -> str:
    """The entry's name for a reader: its reference only when blind (the stage's setting unless
    `blind` is given: for every entry, or the set of entries blind: judging.access.blindness)."""
    if blind_for(stage.blind if blind is None else blind, entry):
        return entry.reference
    return f"{entry.reference}: {entry.nominee}"


def statements_for_judge(entry: Entry, stage: Stage, *, blind: bool | None = None) -> list[Statement]:
    """The entry's answers as judges may read them; `blind` forces the blind form (a blind shortlist pack)."""
    return statements_for_entries([entry], stage, blind=blind)[entry.pk]


def statements_for_entries(entries, stage: Stage, *, blind: Blindness | None = None) -> dict[int, list[Statement]]:
    """Statements for many entries at once, in a fixed number of queries (for packs of hundreds of
    entries); `blind` as for entry_title."""
    blindness = stage.blind if blind is None else blind
    entries = list(entries)
    held = nominations_of(entries)  # a dossier shows only its nominations that are judged
    nominations = {n.pk: n for group in held.values() for n in group}
    answers: dict[int, list] = {}
    for answer in (
        Answer.objects.filter(nomination_id__in=nominations)
        .select_related("question__section")
        .order_by("question__section__position", "question__position", "question_id")
    ):
        answers.setdefault(answer.nomination_id, []).append(answer)
    referees = {
        (e.nomination_id, e.question_id): e
        for e in Endorsement.objects.filter(nomination_id__in=nominations).exclude(status=Endorsement.Status.CANCELLED)
    }
    result = {}
    for entry in entries:
        blind = blind_for(blindness, entry)
        group = held[entry.pk]
        statements = []
        for index, nomination in enumerate(group, start=1):
            heading = f"Nomination {index} of {len(group)}" if len(group) > 1 else "The nomination"
            statement = Statement(
                heading=heading, identity=[] if blind else identity_rows(nomination, Nomination.FOR_JUDGES)
            )
            for answer in answers.get(nomination.pk, []):
                question = answer.question
                if not judges_may_read(question, blind=blind) or answer.value in (None, ""):
                    continue
                value = display_value(question, answer.value)
                if question.type == "endorsement":
                    # Judges read the referee's statement, never the details the nominator gave.
                    shown = endorsement_rows(referees.get((nomination.pk, question.pk)), question, blind=blind)
                    for key, prompt, text, has_letter in shown:
                        if has_letter:
                            statement.links[key] = reverse(
                                "judging:evidence", args=[stage.pk, entry.pk, nomination.pk, question.key]
                            )
                        _add(statement, question, key, (prompt, text))
                    continue
                if is_file(question):
                    # An uploaded file: judges download it through judging:evidence; in a blind
                    # stage its name (which may name the nominee) is replaced by its type.
                    if blind:
                        value = f"A {evidence_kind(answer.file_name)} file"
                    statement.links[question.key] = reverse(
                        "judging:evidence", args=[stage.pk, entry.pk, nomination.pk, question.key]
                    )
                _add(statement, question, question.key, (question.prompt, value))
            statements.append(statement)
        result[entry.pk] = statements
    return result


def _add(statement: Statement, question, key: str, shown: tuple[str, str]) -> None:
    statement.answers[key] = shown
    title = question.section.title if question.section else "Other answers"
    if not statement.sections or statement.sections[-1][0] != title:
        statement.sections.append((title, []))
    statement.sections[-1][1].append(shown)


def endorsement_rows(endorsement, question, *, blind: bool) -> list[tuple[str, str, str, bool]]:
    """A supporting statement as judges read it: (key, prompt, text, whether it links the letter).
    In a blind stage the referee is not named (their name would say who they are supporting)."""
    if endorsement is None:
        return []
    who = "the referee" if blind else endorsement.referee
    if endorsement.status != Endorsement.Status.RECEIVED:
        return [(question.key, question.prompt, f"Not received yet (asked of {who}).", False)]
    rows = []
    if endorsement.statement:
        rows.append((question.key, question.prompt, f"From {who}:\n\n{endorsement.statement}", False))
    if endorsement.letter:
        kind = evidence_kind(endorsement.letter_name)
        rows.append((f"{question.key}:letter", f"{question.prompt}: letter", f"A letter from {who} ({kind})", True))
    return rows


@dataclass
class OtherCard:
    label: str
    scores: list[tuple[str, str, str]]  # (criterion title, value or "Not applicable", comment)
    overall_comment: str


def others_scores(entry: Entry, stage: Stage, judge) -> list[OtherCard] | None:
    """Other judges' submitted scorecards for an entry, for a judge who has submitted their own, when
    the stage allows it; None when it does not. Judges are not named, so nobody is scored against a name."""
    if stage.others_scores != Stage.OthersScores.AFTER_OWN:
        return None
    if not Scorecard.objects.filter(entry=entry, judge=judge, status=Scorecard.Status.SUBMITTED).exists():
        return None
    cards = (
        counted(Scorecard.objects.filter(entry=entry), stage=stage)
        .exclude(judge=judge)
        .prefetch_related("scores")
        .order_by("submitted_at", "pk")
    )
    criteria = list(stage.award.criteria.order_by("position", "id"))
    others = []
    for index, card in enumerate(cards, start=1):
        scores = [
            (line.criterion.title, "Not applicable" if line.not_applicable else str(line.value), line.comment)
            for line in lines(card, criteria)
            if line.score is not None
        ]
        others.append(OtherCard(label=f"Another judge ({index})", scores=scores, overall_comment=card.overall_comment))
    return others


def weight_words(weight, weights) -> str:
    """A criterion's weight as people say it, against the lightest criterion that counts:
    "Counts once", "Counts double", "Counts three times", "Counts ×1.5"; never "2.0000"."""
    weight = float(weight)
    if weight == 0:
        return "Not counted in the total"
    lightest = min((float(w) for w in weights if float(w) > 0), default=weight)
    ratio = round(weight / lightest, 2)
    words = {1: "Counts once", 2: "Counts double", 3: "Counts three times", 4: "Counts four times"}
    if ratio in words:
        return words[ratio]
    return f"Counts ×{ratio:g}"


def scale_words(criterion) -> str:
    """'Scored 0 to 5', with 'or not applicable' where the criterion allows it."""
    words = f"Scored {criterion.scale_min} to {criterion.scale_max}"
    return words + (", or not applicable" if criterion.allow_na else "")


def linked_keys(criteria) -> set[str]:
    """The questions some criterion reads: shown beside that criterion, so not again with the entry."""
    return {key for criterion in criteria for key in criterion.question_keys}


def without(statements: list[Statement], keys: set[str]) -> list[Statement]:
    """The statements with the answers to these questions left out (their sections too, when
    emptied): for the entry column of the scoring page, where linked answers are beside their criterion."""
    trimmed = []
    for statement in statements:
        answers = {key: shown for key, shown in statement.answers.items() if key not in keys}
        kept = set(answers.values())
        links = {key: url for key, url in statement.links.items() if key in answers}
        sections = [(title, [a for a in rows if a in kept]) for title, rows in statement.sections]
        trimmed.append(
            Statement(
                heading=statement.heading,
                identity=statement.identity,
                answers=answers,
                sections=[(title, rows) for title, rows in sections if rows],
                links=links,
            )
        )
    return trimmed


def judges_may_read(question, *, blind: bool) -> bool:
    """The one rule of which answers judging shows: those the award lets judges see, and in a
    blind stage none that identifies the nominee."""
    return question.visible_to_judges and not (blind and question.identifying)


def evidence_kind(name: str) -> str:
    """'PDF', 'DOCX'…: what a file is, from its name's ending, for a blind stage."""
    ending = name.rsplit(".", 1)[-1] if "." in name else ""
    return ending.upper()[:10] if ending.isalnum() else "evidence"


def evidence_name(entry: Entry, question_key: str, original: str, *, blind: bool) -> str:
    """The name a judge's download carries: the uploader's own name, or in a blind stage the
    entry's reference and the question, never the original name (it may name the nominee)."""
    if not blind:
        return original
    ending = original.rsplit(".", 1)[-1].lower() if "." in original else ""
    suffix = f".{ending}" if ending.isalnum() and len(ending) <= 10 else ""
    return f"{entry.reference}-{question_key}{suffix}"
