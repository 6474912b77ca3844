"""Factories for the suite: each builds a valid object with sensible defaults."""

import datetime as dt
import zoneinfo

import factory
from django.contrib.auth import get_user_model

from awards.models import Award, Criterion, Programme, Question, Section
from nominations.models import Answer, Nomination

LONDON = zoneinfo.ZoneInfo("Europe/London")


def _today_at_nine() -> dt.datetime:
    return dt.datetime.now(LONDON).replace(hour=9, minute=0, second=0, microsecond=0)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    slug = factory.Sequence(lambda n: f"programme-{n}")
    name = factory.Sequence(lambda n: f"Recognition Awards {2026 + n}")
    organiser = "Northfield NHS Trust"
    contact_email = "awards@example.org"
    timezone = "Europe/London"
    # Open now, whatever the date the suite runs on: fixed dates would close every test's
    # programme on the day they passed.
    nominations_open = factory.LazyFunction(lambda: _today_at_nine() - dt.timedelta(days=1))
    nominations_close = factory.LazyFunction(lambda: _today_at_nine() + dt.timedelta(days=60))
    # Most tests are about a live programme; the drafts' own tests say status="draft".
    status = "published"


class AwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Award

    programme = factory.SubFactory(ProgrammeFactory)
    slug = factory.Sequence(lambda n: f"award-{n}")
    title = factory.Sequence(lambda n: f"Award number {n}")
    summary = "For people who made care better."
    description = "Tell us **why** they deserve it."
    status = "published"


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    award = factory.SubFactory(AwardFactory)
    title = "Your nomination"
    position = factory.Sequence(lambda n: n)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    section = factory.SubFactory(SectionFactory)
    award = factory.SelfAttribute("section.award")
    key = factory.Sequence(lambda n: f"question-{n}")
    prompt = factory.Sequence(lambda n: f"Question {n}?")
    type = "long_text"
    position = factory.Sequence(lambda n: n)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    award = factory.SubFactory(AwardFactory)
    key = factory.Sequence(lambda n: f"criterion-{n}")
    title = factory.Sequence(lambda n: f"Criterion {n}")
    levels = {"0": "Not answered", "5": "Outstanding"}


class NominationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nomination

    award = factory.SubFactory(AwardFactory)
    reference = factory.Sequence(lambda n: f"TST-{n:04d}")
    nominator_email = "nominator@example.org"


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    nomination = factory.SubFactory(NominationFactory, award=factory.SelfAttribute("..question.award"))
    question = factory.SubFactory(QuestionFactory)
    value = "They listened, and changed the clinic."


def make_public(programme: Programme) -> Programme:
    """An imported programme (a draft) published with all its awards, without the office's
    pre-flight check: for tests about something else than publishing."""
    Programme.objects.filter(pk=programme.pk).update(status="published", publish_at=None)
    programme.awards.update(status="published")
    programme.refresh_from_db()
    return programme


def declare_all(stage, judge, now=None):
    """The judge has declared (no conflict) for every nomination of the stage not yet declared for:
    what a judge who answered "No conflict" on every row of the declaration page leaves behind."""
    from django.utils import timezone

    from judging.conflicts import undeclared_nominations
    from judging.models import ConflictDeclaration

    return ConflictDeclaration.objects.bulk_create(
        ConflictDeclaration(stage=stage, judge=judge, nomination=nomination, declared_at=now or timezone.now())
        for nomination in undeclared_nominations(stage, judge)
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


# The smallest award that has every kind of rule the nomination journey keeps: a word limit, a
# yes/no question that shows another, an optional file, and a question no longer asked.
SMALLEST_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

NOMINATION_IDENTITY = {
    "nominee_name": "Grace Hopper",
    "nominee_job_title": "Ward manager",
    "nominee_organisation": "Northfield NHS Trust",
    "nominee_email": "grace@example.org",
    "nominator_name": "Ada Lovelace",
    "nominator_relationship": "Colleague",
}


def kindness_award(**programme) -> Award:
    """An open award: story (at most 5 words), has-partners (yes/no), partners (shown on yes),
    evidence (optional PDF up to 1 MB) and retired (inactive)."""
    award = AwardFactory(programme=ProgrammeFactory(**programme), title="Kindness Award", nominee="individual")
    section = SectionFactory(award=award, title="Your nomination")
    QuestionFactory(section=section, key="story", prompt="What did they do?", max_words=5, position=0)
    QuestionFactory(section=section, key="has-partners", type="yes_no", prompt="Partners?", position=1)
    QuestionFactory(
        section=section, key="partners", prompt="Which?", position=2, show_if_key="has-partners", show_if_value="yes"
    )
    QuestionFactory(
        section=section,
        key="evidence",
        type="file",
        prompt="Evidence",
        required=False,
        file_types=["pdf"],
        max_size_mb=1,
        position=3,
    )
    QuestionFactory(section=section, key="retired", prompt="No longer asked", active=False, position=4)
    return award
