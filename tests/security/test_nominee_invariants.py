"""A decision made for one nominee never carries over to another, and withdrawing is final.

A state machine over nominations of an award that asks nominees to agree and a programme that
screens: nominees answer, the office screens and rules out, nominators withdraw, change who they
nominate and resubmit, and nominations are brought into judging, in any order. After every step,
against a model of who each decision was given for:

- a consent answer stands only for the nominee who gave it; a new nominee is asked, by email;
- a screening stands only for the nominee it was made for;
- once a stage holds the nomination, its nominee does not change;
- a withdrawn nomination stays withdrawn, whatever the office does after.
"""

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from judging.models import Entry, Stage
from nominations import domain, screening
from nominations.models import Nomination
from tests.factories import NOMINATION_IDENTITY, kindness_award
from tests.security.machines import RolledBack

pytestmark = pytest.mark.django_db

NOMINEES = [
    ("Grace Hopper", "grace@example.org"),
    ("Mary Seacole", "mary@example.org"),
    ("GRACE  hopper", "Grace@Example.org"),
]
COUNT = 3


@dataclass
class Expected:
    nominee: tuple | None = None  # the identity submitted, as the rule compares it
    consent_for: tuple | None = None  # the nominee whose answer stands
    screened_for: tuple | None = None
    withdrawn: bool = False
    in_judging: bool = False
    asked: list = field(default_factory=list)  # addresses a consent request went to


def same_nominee(name, email):
    return (" ".join(name.split()).casefold(), email.strip().lower())


class NomineeLifecycle(RolledBack):
    def __init__(self):
        super().__init__()
        self.now = timezone.now()

    @initialize()
    def build(self):
        self.award = kindness_award(screening=True)
        self.award.consent_required = True
        self.award.save()
        self.stage = Stage.objects.create(award=self.award, name="Shortlisting")
        self.nominations = [
            domain.nomination_start(award=self.award, nominator_email=f"n{i}@example.org", now=self.now)[0]
            for i in range(COUNT)
        ]
        self.expected = [Expected() for _ in range(COUNT)]
        mail.outbox.clear()

    def _fresh(self, i) -> Nomination:
        return Nomination.objects.get(pk=self.nominations[i].pk)

    def _tick(self):
        self.now += dt.timedelta(minutes=1)
        return self.now

    @rule(i=st.integers(0, COUNT - 1), who=st.integers(0, len(NOMINEES) - 1), story=st.sampled_from(["Kind", "Brave"]))
    def nominator_submits(self, i, who, story):
        """The nominator names a nominee (perhaps another than before) and (re)submits."""
        expected = self.expected[i]
        nomination = self._fresh(i)
        name, email = NOMINEES[who]
        identity = {**NOMINATION_IDENTITY, "nominee_name": name, "nominee_email": email}
        try:
            domain.nomination_save_draft(
                nomination=nomination,
                identity=identity,
                answers={"story": story, "has-partners": "no"},
                now=self._tick(),
            )
            mail.outbox.clear()
            with TestCase.captureOnCommitCallbacks(execute=True):
                domain.nomination_submit(nomination=self._fresh(i), now=self._tick())
        except domain.NotEditable:
            assert expected.withdrawn or self._fresh(i).closed_to_nominator
            return
        except domain.SubmissionProblems as problems:
            # Refused only for a new nominee of a nomination being judged, beside the name.
            assert expected.in_judging and expected.nominee != same_nominee(name, email)
            assert "cannot be changed now" in str(problems.identity_form.errors["nominee_name"])
            return
        new = same_nominee(name, email)
        if expected.nominee != new:
            if expected.nominee is not None:
                assert not expected.in_judging
            expected.consent_for = None
            expected.screened_for = None
            expected.asked.append(email.lower())
            assert [m.to for m in mail.outbox if "nominated" in m.subject] == [[email.lower()]]
        expected.nominee = new

    @precondition(lambda self: any(e.nominee for e in self.expected))
    @rule(i=st.integers(0, COUNT - 1), agree=st.booleans())
    def nominee_answers(self, i, agree):
        nomination, expected = self._fresh(i), self.expected[i]
        if nomination.consent_status != Nomination.Consent.PENDING:
            return
        domain.consent_respond(nomination=nomination, agree=agree, remove_data=False, now=self._tick())
        expected.consent_for = expected.nominee if agree else ("declined", expected.nominee)

    @rule(i=st.integers(0, COUNT - 1), eligible=st.booleans())
    def office_screens(self, i, eligible):
        nomination, expected = self._fresh(i), self.expected[i]
        done = screening.screen(
            nominations=[nomination],
            eligible=eligible,
            reason=self.award.programme.reasons[0] if self.award.programme.reasons else "",
            now=self._tick(),
        )
        if done.marked:
            assert not expected.withdrawn and expected.nominee is not None
            expected.screened_for = expected.nominee if eligible else ("ruled out", expected.nominee)

    @rule(i=st.integers(0, COUNT - 1))
    def office_rules_out(self, i):
        expected = self.expected[i]
        try:
            domain.nomination_mark_ineligible(nomination=self._fresh(i), reason="Not eligible")
        except domain.NotEditable:
            assert expected.withdrawn or expected.nominee is None
        else:
            assert not expected.withdrawn
            expected.screened_for = ("ruled out", expected.nominee)

    @rule(i=st.integers(0, COUNT - 1))
    def nominator_withdraws(self, i):
        try:
            domain.nomination_withdraw(nomination=self._fresh(i), now=self._tick())
        except domain.NotEditable:
            return
        self.expected[i].withdrawn = True

    @rule(i=st.integers(0, COUNT - 1))
    def stage_brings_it_in(self, i):
        nomination, expected = self._fresh(i), self.expected[i]
        if expected.nominee is None or expected.withdrawn or expected.in_judging:
            return
        Entry.objects.create(stage=self.stage, nomination=nomination)
        expected.in_judging = True

    @invariant()
    def decisions_belong_to_the_nominee_they_were_given_for(self):
        if not hasattr(self, "expected"):
            return
        for i, expected in enumerate(self.expected):
            nomination = self._fresh(i)
            if expected.withdrawn:
                assert nomination.status == Nomination.Status.WITHDRAWN and nomination.withdrawn_at
                continue
            if expected.nominee is None:
                continue
            assert same_nominee(nomination.nominee_name, nomination.nominee_email) == expected.nominee
            if expected.consent_for == expected.nominee:
                assert nomination.consent_status == Nomination.Consent.CONFIRMED
            elif expected.consent_for is None:
                assert nomination.consent_status == Nomination.Consent.PENDING, (i, nomination.consent_status)
            if expected.screened_for == expected.nominee:
                assert nomination.status == Nomination.Status.SUBMITTED and nomination.screened_at
            elif expected.screened_for is None:
                assert nomination.screened_at is None and nomination.status == Nomination.Status.SUBMITTED
            else:
                assert nomination.status == Nomination.Status.INELIGIBLE


MACHINE = settings(
    max_examples=40,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def test_decisions_stay_with_the_nominee_they_were_given_for_whatever_the_order(db):
    run_state_machine_as_test(NomineeLifecycle, settings=MACHINE)
