"""Who in the awards office sees what, whatever happens in what order.

A state machine over two programmes and their copies: office roles given and taken (manager or
viewer, one person moving between programmes), a programme copied by its manager through the
office's copy page (who then manages the copy, and no one else of the original does),
nominations made, withdrawn, screened, ruled out, merged into dossiers and split out, entries
brought into judging, shortlist packs built. After every step, each office person reads the
surfaces the office reads (the nominations list, each award's export, the entries list, each
stage's ranking and progress pages, each pack's download) and gets what the model says: their
own programmes' nominations exactly, nothing of another's (whose stages are not found), and no
pack whose nominations have changed since it was built. (What nominees' decisions carry over is
tests/security/test_nominee_invariants.py's; who sees names in blind stages, the judging one's.)
"""

import csv
import io
import re
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import reverse
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

from awards import access, office
from awards.models import Award, OfficeRole
from judging.entries import stage_sync_entries
from judging.models import ShortlistPack, Stage
from nominations import domain, screening
from nominations.models import Nomination
from results.shortlist import pack_build
from tests.factories import NominationFactory, UserFactory, kindness_award
from tests.security.machines import RolledBack

pytestmark = pytest.mark.django_db

PEOPLE = ["m0", "v0", "m1", "x"]
REFERENCE = re.compile(r"P\dN-\d{4}")
MOST_PROGRAMMES = 4


@dataclass
class Model:
    roles: dict = field(default_factory=dict)  # (person, programme index) -> "manager" | "viewer"
    nominations: dict = field(default_factory=dict)  # pk -> (programme index, reference)
    withdrawn: set = field(default_factory=set)
    dossier: dict = field(default_factory=dict)  # pk -> dossier id or None
    packs: dict = field(default_factory=dict)  # pk -> (programme index, nomination pks it holds)

    def reads(self, person) -> set[int]:
        return {p for (who, p), _ in self.roles.items() if who == person}

    def references(self, programme) -> set[str]:
        return {ref for p, ref in self.nominations.values() if p == programme}


class OfficeLifecycle(RolledBack):
    def __init__(self):
        super().__init__()
        self.model = Model()
        self.client = Client()

    @initialize()
    def build(self):
        self.awards, self.stages = [], []
        for p in range(2):
            award = kindness_award(slug=f"programme-{p}", name=f"Programme {p}")
            self.awards.append(award)
            self.stages.append(Stage.objects.create(award=award, name=f"Shortlisting {p}"))
        self.people = {name: UserFactory(username=f"office-{name}") for name in PEOPLE}
        for person, p, role in (("m0", 0, "manager"), ("v0", 0, "viewer"), ("m1", 1, "manager")):
            office.role_grant(self.awards[p].programme, self.people[person], role)
            self.model.roles[person, p] = role
        self.counter = 0

    # The office's people --------------------------------------------------------------------

    @rule(
        p=st.integers(0, MOST_PROGRAMMES - 1),
        role=st.sampled_from([OfficeRole.Role.MANAGER, OfficeRole.Role.VIEWER, None]),
    )
    def roles_change(self, p, role):
        """x is given a role in a programme, another one, or none."""
        p %= len(self.awards)
        programme, person = self.awards[p].programme, self.people["x"]
        if role is None:
            office.role_remove(programme, person)
            self.model.roles.pop(("x", p), None)
        else:
            office.role_grant(programme, person, role)
            self.model.roles["x", p] = role

    @precondition(lambda self: len(self.awards) < MOST_PROGRAMMES)
    @rule(p=st.integers(0, MOST_PROGRAMMES - 1), person=st.sampled_from(PEOPLE))
    def programme_copied(self, p, person):
        """Someone who manages a programme copies it to next year through the office's page."""
        p %= len(self.awards)
        if self.model.roles.get((person, p)) != "manager":
            return
        copied = len(self.awards)
        response = self._as(person).post(
            reverse("admin:awards_programme_copy", args=[self.awards[p].programme_id]),
            {"slug": f"programme-{copied}", "name": f"Programme {copied}", "shift_years": "1"},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        award = Award.objects.get(programme__slug=f"programme-{copied}")
        self.awards.append(award)
        self.stages.append(Stage.objects.create(award=award, name=f"Shortlisting {copied}"))
        self.model.roles[person, copied] = "manager"

    # Nominations ----------------------------------------------------------------------------

    @rule(p=st.integers(0, MOST_PROGRAMMES - 1))
    def nominated(self, p):
        p %= len(self.awards)
        self.counter += 1
        reference = f"P{p}N-{self.counter:04d}"
        nomination = NominationFactory(
            award=self.awards[p], status="submitted", reference=reference, submitted_at=timezone.now()
        )
        self.model.nominations[nomination.pk] = (p, reference)
        self.model.dossier[nomination.pk] = None

    def _pick(self, pick, **where):
        live = sorted(
            pk
            for pk, (p, _) in self.model.nominations.items()
            if pk not in self.model.withdrawn and all(self.model.nominations[pk][0] == v for v in where.values())
        )
        return live[pick % len(live)] if live else None

    @rule(pick=st.integers(0, 30))
    def withdrawn(self, pick):
        pk = self._pick(pick)
        if pk is None:
            return
        try:
            domain.nomination_withdraw(nomination=Nomination.objects.get(pk=pk), now=timezone.now())
        except domain.NominationClosed:
            return  # a copy's nominations open next year: nothing to withdraw yet
        except domain.NotEditable:
            assert Nomination.objects.get(pk=pk).status == Nomination.Status.INELIGIBLE
            return  # ruled out: the nominator no longer changes it
        self.model.withdrawn.add(pk)

    @rule(pick=st.integers(0, 30), eligible=st.booleans())
    def screened(self, pick, eligible):
        pk = self._pick(pick)
        if pk is None:
            return
        nomination = Nomination.objects.get(pk=pk)
        if eligible:
            screening.screen(nominations=[nomination], eligible=True, now=timezone.now())
        else:
            domain.nomination_mark_ineligible(nomination=nomination, reason="Not eligible")

    @rule(pick=st.integers(0, 30), other=st.integers(0, 30), p=st.integers(0, MOST_PROGRAMMES - 1))
    def merged(self, pick, other, p):
        p %= len(self.awards)
        first, second = self._pick(pick, programme=p), self._pick(other, programme=p)
        if first is None or second is None or first == second:
            return
        dossier = domain.dossier_merge(nominations=list(Nomination.objects.filter(pk__in=[first, second])))
        for pk, held in list(self.model.dossier.items()):
            if pk in (first, second) or (
                held is not None and held in {self.model.dossier[first], self.model.dossier[second]}
            ):
                self.model.dossier[pk] = dossier.pk

    @rule(pick=st.integers(0, 30))
    def split(self, pick):
        in_dossiers = sorted(pk for pk, d in self.model.dossier.items() if d is not None)
        if not in_dossiers:
            return
        pk = in_dossiers[pick % len(in_dossiers)]
        domain.dossier_split(nomination=Nomination.objects.get(pk=pk))
        for other, held in Nomination.objects.filter(pk__in=self.model.dossier).values_list("pk", "dossier_id"):
            self.model.dossier[other] = held

    # Judging --------------------------------------------------------------------------------

    @rule(p=st.integers(0, MOST_PROGRAMMES - 1))
    def brought_in(self, p):
        p %= len(self.awards)
        stage_sync_entries(stage=self.stages[p])

    @precondition(lambda self: len(self.model.packs) < 2)
    @rule(p=st.integers(0, MOST_PROGRAMMES - 1))
    def pack_built(self, p):
        p %= len(self.awards)
        manager = next(
            (self.people[who] for (who, q), role in sorted(self.model.roles.items()) if q == p and role == "manager"),
            None,
        )
        if manager is None:
            return
        pack = ShortlistPack.objects.create(stage=self.stages[p], requested_by=manager)
        pack_build(pack.pk)
        pack.refresh_from_db()
        if pack.status == ShortlistPack.Status.DONE:
            self.model.packs[pack.pk] = (p, set(pack.nomination_ids))

    # What each office person reads, after every step ------------------------------------------

    def _as(self, person):
        self.client.force_login(self.people[person])
        return self.client

    @invariant()
    def each_person_is_the_office_of_what_the_model_says(self):
        if not hasattr(self, "people"):
            return
        for person in PEOPLE:
            got = set(access.office_programmes(self.people[person]).values_list("pk", flat=True))
            assert got == {self.awards[p].programme_id for p in self.model.reads(person)}, person

    @invariant()
    def each_person_reads_their_programmes_and_nothing_else(self):
        if not hasattr(self, "people"):
            return
        for person in PEOPLE:
            client, reads = self._as(person), self.model.reads(person)
            every = set(range(len(self.awards)))
            mine = set().union(set(), *(self.model.references(p) for p in reads))
            others = set().union(set(), *(self.model.references(p) for p in every - reads))
            listing = client.get(reverse("admin:nominations_nomination_changelist"))
            if reads:
                assert listing.status_code == 200, person
                shown = set(REFERENCE.findall(listing.content.decode()))
                assert shown == mine, (person, shown ^ mine)
            else:
                assert listing.status_code in (302, 403), person
            for p, award in enumerate(self.awards):
                exported = client.get(
                    reverse("admin:nominations_nomination_export"), {"award": award.pk, "format": "csv"}
                )
                text = exported.content.decode("utf-8-sig", "replace")
                found = set(REFERENCE.findall(text))
                assert not (found & others), (person, p, found & others)
                if p in reads:
                    rows = list(csv.reader(io.StringIO(text)))
                    assert exported.status_code == 200 and len(rows) >= 1, person
                    assert found == self.model.references(p), (person, p, found ^ self.model.references(p))

    @invariant()
    def each_persons_judging_pages_show_their_programmes_only(self):
        """The entries list, and each stage's ranking and progress pages: a stage of another
        programme is not found, and no page names another programme's nomination."""
        if not hasattr(self, "people"):
            return
        every = set(range(len(self.awards)))
        for person in PEOPLE:
            client, reads = self._as(person), self.model.reads(person)
            others = set().union(set(), *(self.model.references(p) for p in every - reads))
            entries = client.get(reverse("admin:judging_entry_changelist"))
            if reads:
                assert entries.status_code == 200, person
                assert not set(REFERENCE.findall(entries.content.decode())) & others, person
            for p, stage in enumerate(self.stages):
                for page in ("judging:ranking", "judging:progress"):
                    got = client.get(reverse(page, args=[stage.pk]))
                    if p in reads:
                        assert got.status_code == 200, (person, page, p)
                        assert not set(REFERENCE.findall(got.content.decode())) & others, (person, page, p)
                    else:
                        assert got.status_code == 404, (person, page, p, got.status_code)

    @invariant()
    def packs_go_to_their_programmes_office_while_what_they_hold_is_unchanged(self):
        if not hasattr(self, "people"):
            return
        for pk, (p, held) in self.model.packs.items():
            changed = bool(held & self.model.withdrawn)
            for person in PEOPLE:
                got = self._as(person).get(reverse("judging:shortlist_download", args=[self.stages[p].pk, pk]))
                if got.status_code == 200:
                    assert p in self.model.reads(person), (person, pk)
                    assert not changed, (person, pk, "a pack holding a withdrawn nomination was handed out")
                else:
                    assert got.status_code in (302, 404), (person, got.status_code)


MACHINE = settings(
    max_examples=10,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def test_the_office_reads_exactly_its_own_programmes_whatever_the_order_of_events(db):
    run_state_machine_as_test(OfficeLifecycle, settings=MACHINE)
