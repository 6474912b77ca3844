"""Sample nominations, a judging stage, assignments and a few scorecards for the demo programme.

So that a newcomer running `make demo` sees the whole flow: the chair's progress page, a
judge's queue with work started, a judge who still has conflicts to declare, and a blind
stage. Written directly (no emails); a test checks every sample passes the award's own form.
Run again, it changes nothing: an award that already has a stage is left alone.
"""

import datetime as dt
import random

from django.db import transaction

from awards.models import Award, Programme
from judging.assignments import stage_assign
from judging.conflicts import undeclared_nominations
from judging.entries import stage_sync_entries
from judging.models import Assignment, Conflict, ConflictDeclaration, JudgeGroup, PanelMember, Score, Scorecard, Stage
from judging.scorecards import totals_refresh
from nominations.domain import next_reference
from nominations.models import Answer, Nomination

NOMINEES = [
    ("Grace Adeyemi", "Patient experience lead", "Northfield Hospital NHS Trust"),
    ("The Riverside Ward team", "Ward manager: Tom Hughes", "Southbay Community Health"),
    ("Imran Khan", "Consultant nurse", "Eastmoor Mental Health Trust"),
    ("Rosa Lewis", "Peer support worker", "Westvale Primary Care Network"),
    ("The Kingsford Carers Forum", "Chair: Nia Owusu", "Kingsford Hospital NHS Trust"),
]
NOMINATORS = [
    ("Sam Clarke", "Northfield Hospital NHS Trust", "Colleague"),
    ("Priya Begum", "Southbay Community Health", "Patient"),
    ("Owen Davies", "Eastmoor Mental Health Trust", "Line manager"),
    ("Lena Morgan", "Westvale Primary Care Network", "Carer"),
    ("Kofi Evans", "Kingsford Hospital NHS Trust", "Colleague"),
]
PARAGRAPHS = [
    "{name} set up a monthly listening group where patients and carers tell staff what it is like to use the "
    "service. Every suggestion is logged, and the group hears back at the next meeting what changed because of it.",
    "When complaints about discharge delays rose, {name} asked three families to map the discharge day with the "
    "ward team. Together they rewrote the checklist, and delays of more than four hours fell from one in three "
    "discharges to fewer than one in ten over six months.",
    "{name} trained twelve volunteers with lived experience to sit on recruitment panels. New staff now meet a "
    "patient representative at interview, and the trust has adopted the approach in two other divisions.",
    "Staff describe {name} as someone who makes it safe to speak up. Junior nurses lead the morning huddle in turn, "
    "and ideas from the huddle have reduced missed observations on the ward.",
    "The work is shared openly: {name} has presented it at the regional patient experience network, written a "
    "short guide other teams use, and welcomed visitors from four organisations.",
    "Next year {name} plans to co-produce the service's information leaflets with the listening group and to "
    "measure whether people feel better prepared for their appointments.",
]


def _value(question, index: int, rng: random.Random, name: str):
    """A valid answer of the question's type, or None to leave an optional question unanswered."""
    if question.type == "long_text":
        count = 2 if (question.max_words or 250) >= 120 else 1
        text = " ".join(PARAGRAPHS[(index + i) % len(PARAGRAPHS)] for i in range(count)).format(name=name)
        if question.max_words:
            text = " ".join(text.split()[: question.max_words])
        return text
    if question.type == "choice":
        return rng.choice(question.choices)
    if question.type == "multi_choice":
        return question.choices[: max(1, question.min_choices or 1)]
    if question.type == "yes_no":
        return "yes" if index % 2 == 0 else "no"
    if question.required and question.type in ("short_text",):
        return f"{name}: see the statement"
    return None


def _shown(question, answers: dict) -> bool:
    if not question.show_if:
        return True
    return answers.get(question.show_if.get("question")) == question.show_if.get("equals")


def _nominations(award: Award, now) -> list[Nomination]:
    rng = random.Random(award.slug)
    created = []
    questions = list(
        award.questions.filter(active=True).select_related("section").order_by("section__position", "position")
    )
    for index, ((nominee, title, organisation), (nominator, their_org, relation)) in enumerate(
        zip(NOMINEES, NOMINATORS, strict=True)
    ):
        kind = {"individual_or_team": "team" if nominee.startswith("The ") else "individual"}.get(
            award.nominee, award.nominee
        )
        identity = {
            "self_nomination": "no",
            "nominee_kind": kind,
            "nominee_name": nominee,
            "nominee_job_title": title,
            "nominee_organisation": organisation,
            "nominee_email": f"nominee{index + 1}.{award.reference_prefix.lower()}@example.org",
            "nominator_name": nominator,
            "nominator_organisation": their_org,
            "nominator_relationship": relation,
        }
        nomination = Nomination.objects.create(
            award=award,
            reference=next_reference(award),
            status=Nomination.Status.SUBMITTED,
            nominator_email=f"{nominator.split()[0].lower()}@example.org",
            identity_draft=identity,
            submitted_at=now - dt.timedelta(days=10 - index),
            last_saved_at=now - dt.timedelta(days=10 - index),
            **{key: value for key, value in identity.items() if key != "self_nomination"},
        )
        answers = {}
        for question in questions:
            if not _shown(question, answers):
                continue
            value = _value(question, index, rng, nominee.removeprefix("The "))
            if value is None:
                continue
            answers[question.key] = value
            Answer.objects.create(nomination=nomination, question=question, value=value, draft=value)
        created.append(nomination)
    return created


def load_judging_demo(programme: Programme, users: dict, now) -> list[str]:
    """For each award with no stage yet: sample nominations, a Shortlisting stage, its panel and some scoring.

    `users` maps the demo usernames (chair, judge1, judge2, judge3) to accounts. Returns what it did.
    """
    done = []
    for position, award in enumerate(programme.awards.order_by("position", "id")):
        if award.stages.exists():
            continue
        with transaction.atomic():
            nominations = _nominations(award, now)
            stage = Stage.objects.create(
                award=award,
                name="Shortlisting",
                opens_at=now - dt.timedelta(days=3),
                closes_at=now + dt.timedelta(days=25),
                # One blind stage, so the demo shows how judges meet an entry by reference only.
                blind=award.slug == "service-user-engagement",
                others_scores=Stage.OthersScores.AFTER_OWN,
            )
            share = "0.2" if award.slug == "patient-leadership" else None
            patients = JudgeGroup.objects.create(stage=stage, name="Patient leaders", share=share)
            PanelMember.objects.create(stage=stage, user=users["chair"], role=PanelMember.Role.CHAIR)
            for username in ("judge1", "judge2", "judge3"):
                PanelMember.objects.create(
                    stage=stage,
                    user=users[username],
                    group=patients if username == "judge3" else None,
                    organisation="Northfield Hospital NHS Trust" if username == "judge2" else "",
                )

            stage_sync_entries(stage=stage)
            # judge1 and judge2 have declared for every entry; judge3 has not, so the demo shows the declaration step.
            for username in ("judge1", "judge2"):
                ConflictDeclaration.objects.bulk_create(
                    ConflictDeclaration(stage=stage, judge=users[username], nomination=nomination, declared_at=now)
                    for nomination in undeclared_nominations(stage, users[username])
                )
            Conflict.objects.create(
                judge=users["judge2"],
                nomination=nominations[0],
                status=Conflict.Status.CONFIRMED,
                source=Conflict.Source.DETECTED,
                detected_because="you work at the nominee's organisation",
                reason="I work with the nominee.",
                decided_at=now,
            )
            stage_assign(stage=stage)
            _scorecards(stage, users["judge1"], now, submitted=2 + position % 2)
            # judge2 has scored some of the same entries, so the ranking has agreement to show.
            _scorecards(stage, users["judge2"], now, submitted=2, lean=-1)
            totals_refresh(award=award)
            done.append(f"{award.title}: {len(nominations)} sample nominations, stage Shortlisting")
    return done


def _scorecards(stage: Stage, judge, now, *, submitted: int, lean: int = 0) -> None:
    """judge1 has submitted a few scorecards and started one more, as a judge part-way through would have."""
    criteria = list(stage.award.criteria.order_by("position", "id"))
    entries = Assignment.objects.filter(entry__stage=stage, judge=judge).order_by("entry_id")
    for number, assignment in enumerate(entries[: submitted + 1]):
        done = number < submitted
        card = Scorecard.objects.create(
            entry=assignment.entry,
            judge=judge,
            status=Scorecard.Status.SUBMITTED if done else Scorecard.Status.DRAFT,
            version=1,
            submitted_at=now if done else None,
            overall_comment="Clear evidence that patients shaped the change." if done else "",
        )
        for offset, criterion in enumerate(criteria):
            span = criterion.scale_max - criterion.scale_min
            value = max(criterion.scale_min, criterion.scale_min + (span * (3 + lean + (number + offset) % 3)) // 5)
            Score.objects.create(
                scorecard=card, criterion=criterion, value=value, comment="Well evidenced." if offset == 0 else ""
            )
