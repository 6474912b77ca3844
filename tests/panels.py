"""A judging panel to test against, built with the factories (fixtures `panel` and `scored`, shared by every test folder).

alice and bob judge "Shortlisting" (bob in "Patient leaders"); alice has declared a
conflict with Grace Hopper's entry; charlie judges another award's stage; chidi chairs
Shortlisting, and dana chairs the other award; root is an admin.
"""

from dataclasses import dataclass

import pytest
from django.utils import timezone

from judging.models import Assignment, Conflict, Entry, JudgeGroup, PanelMember, Stage
from nominations.models import Answer
from tests.factories import (
    AwardFactory,
    CriterionFactory,
    NominationFactory,
    QuestionFactory,
    SectionFactory,
    UserFactory,
    declare_all,
)

LEVELS = {"0": "None", "1": "Little", "2": "Some", "3": "Clear", "4": "Strong", "5": "Outstanding"}
NOMINEES = ("Grace Hopper", "Alan Turing", "Ada Byron")


@dataclass
class Panel:
    stage: Stage
    other_stage: Stage
    entries: list[Entry]
    other_entry: Entry
    people: dict
    criteria: list


@pytest.fixture
def panel(db):
    award = AwardFactory(title="Kindest Colleague", reference_prefix="KC")
    section = SectionFactory(award=award)
    story = QuestionFactory(section=section, key="story", prompt="What did they do?")
    team = QuestionFactory(section=section, key="team", prompt="Which team?", identifying=True)
    criteria = [
        CriterionFactory(award=award, key="impact", title="Impact", levels=LEVELS, question_keys=["story"]),
        CriterionFactory(award=award, key="reach", title="Reach", levels=LEVELS, allow_na=True, position=2),
    ]
    stage = Stage.objects.create(award=award, name="Shortlisting")
    patients = JudgeGroup.objects.create(stage=stage, name="Patient leaders")
    other_stage = Stage.objects.create(award=AwardFactory(title="Best Team"), name="Shortlisting")
    people = {
        name: UserFactory(username=name, first_name=name.title(), last_name="Judge")
        for name in ("alice", "bob", "charlie", "chidi", "dana")
    }
    people["root"] = UserFactory(username="root", is_superuser=True, is_staff=True)
    PanelMember.objects.create(stage=stage, user=people["alice"])
    PanelMember.objects.create(stage=stage, user=people["bob"], group=patients)
    PanelMember.objects.create(stage=stage, user=people["chidi"], role="chair")
    PanelMember.objects.create(stage=other_stage, user=people["charlie"])
    PanelMember.objects.create(stage=other_stage, user=people["dana"], role="chair")
    entries = []
    for name in NOMINEES:
        nomination = NominationFactory(
            award=award, status="submitted", nominee_name=name, nominee_organisation="Northfield Hospital"
        )
        Answer.objects.create(nomination=nomination, question=story, value=f"{name} listened to every patient.")
        Answer.objects.create(nomination=nomination, question=team, value=f"{name.split()[0]}'s ward team")
        entry = Entry.objects.create(stage=stage, nomination=nomination)
        for judge in ("alice", "bob"):
            Assignment.objects.create(entry=entry, judge=people[judge])
        entries.append(entry)
    Conflict.objects.create(judge=people["alice"], nomination=entries[0].nomination)
    other_entry = Entry.objects.create(
        stage=other_stage, nomination=NominationFactory(award=other_stage.award, status="submitted")
    )
    Assignment.objects.create(entry=other_entry, judge=people["charlie"])
    # alice and bob have declared for every entry (alice's conflict stands); charlie for his stage's.
    for name in ("alice", "bob"):
        declare_all(stage, people[name])
    declare_all(other_stage, people["charlie"])
    return Panel(stage, other_stage, entries, other_entry, people, criteria)


def submit(entry, judge, values: dict, *, comment="", overall=""):
    """A submitted scorecard with the given value per criterion key (None for N/A)."""

    from judging.models import Score, Scorecard

    card = Scorecard.objects.create(
        entry=entry, judge=judge, status="submitted", submitted_at=timezone.now(), overall_comment=overall, version=1
    )
    for criterion in entry.stage.award.criteria.all():
        value = values.get(criterion.key)
        Score.objects.create(
            scorecard=card, criterion=criterion, value=value, not_applicable=value is None, comment=comment
        )
    return card


@pytest.fixture
def scored(panel):
    """bob scores all three entries; alice the two she may (she is conflicted with Grace Hopper's)."""
    e, alice, bob = panel.entries, panel.people["alice"], panel.people["bob"]
    submit(e[0], bob, {"impact": 5, "reach": 4}, comment="Remarkable listening")
    submit(e[1], bob, {"impact": 3, "reach": 3})
    submit(e[2], bob, {"impact": 1, "reach": None})
    submit(e[1], alice, {"impact": 4, "reach": 4}, overall="A humane entry, said judge Alice")
    submit(e[2], alice, {"impact": 2, "reach": 1})
    return panel
