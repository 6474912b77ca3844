"""The rules that protect people, proved over generated sequences of events, not only examples.

A hypothesis state machine plays the judging lifecycle: nominations are submitted, withdrawn,
declined, ruled out or merged into dossiers; entries are brought in, assigned (automatically and
by hand), declared for, conflicted (by judges and by the office) and un-conflicted (by the
office only); judges score; chairs decide and promote; packs are built. After every step the
site is checked against a small model of the rules written here from DESIGN.md, independently
of judging.access and judging.conflicts:

- a judge reaches (queue, entry page, autosave, reading pack) exactly the judged entries
  assigned to them that their declarations cover and that they have no conflict with;
- a chair reaches (ranking, export, explain, outcome preview, packs) exactly the judged entries
  they have no conflict with; a pack is handed only to someone who may see all of it now;
- nothing that is not judgeable (withdrawn, declined, pending consent, not eligible, details
  removed, merged away) is shown to anyone in judging, the office included;
- in a blind stage no name, organisation or identifying answer reaches anyone but the office
  (or the chairs, once the office has unblinded the stage after its decisions, and only while
  every entry it judges is decided: one brought in later keeps it blind until it is decided).

Structure the rules cannot decide (which judges the balanced split picks, which dossier a merge
keeps, which ids rows get) is read back from the database; everything the invariants rest on
(statuses, consent, conflicts, declarations) is tracked by the model itself.
"""

import csv
import io
import os
import re
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from pypdf import PdfReader

from judging import assignments, scorecards, stages
from judging import conflicts as conflict_services
from judging.entries import stage_sync_entries
from judging.models import Assignment, Entry, JudgeGroup, PanelMember, Score, Scorecard, ShortlistPack, Stage
from nominations import domain as nomination_services
from nominations.models import Answer, Dossier, Nomination
from results import decisions
from tests.factories import (
    AwardFactory,
    CriterionFactory,
    ProgrammeFactory,
    QuestionFactory,
    SectionFactory,
    UserFactory,
)
from tests.security.machines import RolledBack

pytestmark = pytest.mark.django_db

# Every name, organisation and identifying answer is a word of its own, so a page can be searched
# for exactly the people it must not name.
NOMINEES = ["Amberly", "Brackwell", "Corriden", "Dunmore", "Ellsworth"]
ORGANISATIONS = ["Harrowvale", "Ivybridge", "Harrowvale", "Juniper", "Kestrelby"]  # two share one: suggestions
NOMINATORS = ["Larkspur", "Merrow", "Nettlefold", "Orrinby", "Pellow"]
WARDS = ["Quillon", "Rustwick", "Sallowmere", "Tarnley", "Umberfold"]
JUDGES = ["judge1", "judge2", "judge3"]
CHAIR, OFFICE = "chair", "office"
STAGES = ["first", "final"]

MACHINE = settings(
    max_examples=int(os.environ.get("PLAUDIT_INVARIANT_EXAMPLES", "25")),
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
    # A fresh search each time a bug is put back, not a replay of the last failure found.
    **({"database": None} if os.environ.get("PLAUDIT_INVARIANT_NO_SHRINK") else {}),
    # Shrinking a failure to its shortest sequence can take minutes; set PLAUDIT_INVARIANT_NO_SHRINK=1
    # to see the first failing sequence at once (as when putting a bug back to watch this fail).
    phases=[p for p in Phase if p != Phase.shrink or not os.environ.get("PLAUDIT_INVARIANT_NO_SHRINK")],
)


@dataclass
class Model:
    """The state the rules rest on, kept by the machine from the events it plays."""

    status: dict = field(default_factory=dict)  # nomination id -> draft/submitted/withdrawn/ineligible
    consent: dict = field(default_factory=dict)  # nomination id -> not_needed/pending/confirmed/declined
    removed: set = field(default_factory=set)  # nomination ids whose nominee had their details removed
    dossier: dict = field(default_factory=dict)  # nomination id -> dossier id or None (read back)
    entries: dict = field(default_factory=dict)  # entry id -> (stage name, ("n", id) or ("d", id))
    conflicts: set = field(default_factory=set)  # (person, nomination id), confirmed
    declared: set = field(default_factory=set)  # (stage name, judge, nomination id)
    assigned: set = field(default_factory=set)  # (judge, entry id) (read back after automatic splits)
    blind: dict = field(default_factory=dict)  # stage name -> bool
    unblinded: set = field(default_factory=set)  # stage names
    decided: set = field(default_factory=set)  # entry ids with an applied decision
    packs: dict = field(default_factory=dict)  # pack id -> (stage name, entry ids it shows, blind)

    def judgeable_nomination(self, n) -> bool:
        return (
            self.status[n] == "submitted" and self.consent[n] in ("not_needed", "confirmed") and n not in self.removed
        )

    def shown(self, e) -> list[int]:
        """The nominations an entry shows: its own, or its dossier's judgeable members."""
        kind, key = self.entries[e][1]
        if kind == "n":
            return [key]
        return [n for n, d in self.dossier.items() if d == key and self.judgeable_nomination(n)]

    def judged(self, e) -> bool:
        stage, (kind, key) = self.entries[e]
        if kind == "d":
            return bool(self.shown(e))
        own_dossier = self.dossier[key]
        merged_away = own_dossier is not None and any(
            s == stage and held == ("d", own_dossier) for s, held in self.entries.values()
        )
        return self.judgeable_nomination(key) and not merged_away

    def scope(self, e) -> set[int]:
        """Whose conflicts touch an entry: its nomination and that nominee's dossier, or the dossier's members."""
        kind, key = self.entries[e][1]
        dossier = self.dossier[key] if kind == "n" else key
        same = {n for n, d in self.dossier.items() if dossier is not None and d == dossier}
        return same | ({key} if kind == "n" else set())

    def conflicted(self, person, e) -> bool:
        return any((person, n) in self.conflicts for n in self.scope(e))

    def declared_for(self, judge, e) -> bool:
        stage = self.entries[e][0]
        return all((stage, judge, n) in self.declared for n in self.shown(e))

    def in_stage(self, stage):
        return [e for e, (s, _) in self.entries.items() if s == stage]

    def judge_sees(self, judge, stage) -> set[int]:
        return {
            e
            for e in self.in_stage(stage)
            if self.judged(e)
            and (judge, e) in self.assigned
            and self.declared_for(judge, e)
            and not self.conflicted(judge, e)
        }

    def chair_sees(self, person, stage) -> set[int]:
        return {e for e in self.in_stage(stage) if self.judged(e) and not self.conflicted(person, e)}

    def pending(self, judge, stage) -> set[int]:
        """Nominations the judge has still to declare for in the stage."""
        shown = {n for e in self.in_stage(stage) if self.judged(e) for n in self.shown(e)}
        return {n for n in shown if (stage, judge, n) not in self.declared and (judge, n) not in self.conflicts}

    def hidden(self, person, stage):
        """The entries whose names the person may not see: none, all (True), or once the stage is
        unblinded the judged entries without an applied decision (one brought in later, or back,
        stays blind until it too is decided)."""
        if not self.blind[stage] or person == OFFICE:
            return set()
        if person != CHAIR or stage not in self.unblinded:
            return True
        return {e for e in self.in_stage(stage) if self.judged(e) and e not in self.decided}

    def names_visible(self, person, stage) -> bool:
        """Whether the person sees every entry of the stage named."""
        return self.hidden(person, stage) == set()

    def named(self, person, stage) -> set | bool:
        """The entries the person sees named (True for all, False for none), as assert_shows_only takes."""
        hidden = self.hidden(person, stage)
        if hidden is True:
            return False
        return set(self.in_stage(stage)) - hidden if hidden else True


def words_of(nomination_index: int) -> list[str]:
    i = nomination_index
    return [NOMINEES[i], NOMINATORS[i], WARDS[i]] + ([ORGANISATIONS[i]] if ORGANISATIONS[i] != "Harrowvale" else [])


class JudgingLifecycle(RolledBack):
    client: Client = None  # one client for the whole test, its cookies swapped per person

    def __init__(self):
        super().__init__()
        self.model = Model()

    # Set-up ---------------------------------------------------------------------------------

    @initialize(
        first_blind=st.booleans(),
        final_blind=st.booleans(),
        opening=st.integers(2, 4),
        consents=st.lists(st.booleans(), min_size=5, max_size=5),
        declared=st.sets(st.sampled_from(JUDGES)),
    )
    def build(self, first_blind, final_blind, opening, consents, declared):
        """A programme part-way through: some nominations submitted (some waiting for consent),
        brought into the first stage and assigned, some judges declared; later steps move it on."""
        now = timezone.now()
        programme = ProgrammeFactory(
            nominations_open=now - timezone.timedelta(days=30), nominations_close=now + timezone.timedelta(days=30)
        )
        award = AwardFactory(programme=programme, title="Kindest Colleague", reference_prefix="KC")
        section = SectionFactory(award=award)
        story = QuestionFactory(section=section, key="story", prompt="What did they do?")
        ward = QuestionFactory(section=section, key="ward", prompt="Which ward?", identifying=True)
        CriterionFactory(award=award, key="impact", title="Impact", question_keys=["story"])
        self.people = {name: UserFactory(username=name, first_name=name.title(), last_name="Person") for name in JUDGES}
        self.people[CHAIR] = UserFactory(username=CHAIR, first_name="Chris", last_name="Chair")
        self.people[OFFICE] = UserFactory(username=OFFICE, is_superuser=True, is_staff=True)
        self.stages = {}
        for position, (name, blind) in enumerate(zip(STAGES, (first_blind, final_blind), strict=True)):
            stage = Stage.objects.create(
                award=award,
                name=name.title(),
                position=position,
                blind=blind,
                entries_from="all_eligible" if name == "first" else "promoted",
                assigning="balanced",
                judges_per_entry=2,
            )
            group = JudgeGroup.objects.create(stage=stage, name="Patient leaders")
            for judge in JUDGES:
                # judge3 works where two nominees work: the declaration suggests those conflicts.
                PanelMember.objects.create(
                    stage=stage,
                    user=self.people[judge],
                    group=group if judge == "judge1" else None,
                    organisation="Harrowvale" if judge == "judge3" else "",
                )
            PanelMember.objects.create(stage=stage, user=self.people[CHAIR], role="chair")
            self.stages[name] = stage
            self.model.blind[name] = blind
        self.nominations = []
        for i in range(len(NOMINEES)):
            nomination = Nomination.objects.create(
                award=award,
                reference=f"KC-{i + 1:04d}",
                nominator_email=f"{NOMINATORS[i].lower()}@example.org",
                nominee_name=f"{NOMINEES[i]} Person",
                nominee_organisation=ORGANISATIONS[i],
                nominee_email=f"{NOMINEES[i].lower()}@example.org",
                nominator_name=f"{NOMINATORS[i]} Person",
                nominator_relationship="Colleague",
            )
            Answer.objects.create(nomination=nomination, question=story, value=f"They listened, every day ({i}).")
            Answer.objects.create(nomination=nomination, question=ward, value=f"{WARDS[i]} ward")
            self.nominations.append(nomination)
            self.model.status[nomination.pk] = "draft"
            self.model.consent[nomination.pk] = "not_needed"
            self.model.dossier[nomination.pk] = None
        self.index = {n.pk: i for i, n in enumerate(self.nominations)}
        self.cookies = {}
        for person, user in self.people.items():
            self.client.cookies = SimpleCookie()
            self.client.force_login(user)
            self.cookies[person] = self.client.cookies
        for i in range(opening):
            self.submit(i, consents[i])
        self.bring_in()
        self.assign_automatically("first")
        for judge in sorted(declared):
            self.declare(judge, "first", consents + [False])

    def as_(self, person) -> Client:
        self.client.cookies = self.cookies[person]
        return self.client

    def nomination(self, i) -> Nomination:
        return Nomination.objects.get(pk=self.nominations[i].pk)

    def refresh_dossiers(self):
        self.model.dossier.update(
            dict(Nomination.objects.filter(award=self.stages["first"].award).values_list("pk", "dossier_id"))
        )

    def refresh_assignments(self):
        self.model.assigned = {
            (self.username(judge_id), entry_id)
            for judge_id, entry_id in Assignment.objects.values_list("judge_id", "entry_id")
        }

    def username(self, user_id) -> str:
        return next(name for name, user in self.people.items() if user.pk == user_id)

    def refresh_entries(self):
        for entry in Entry.objects.filter(stage__award=self.stages["first"].award):
            stage = next(name for name, s in self.stages.items() if s.pk == entry.stage_id)
            held = ("n", entry.nomination_id) if entry.nomination_id else ("d", entry.dossier_id)
            self.model.entries[entry.pk] = (stage, held)

    # Nominations ----------------------------------------------------------------------------

    # Preconditions keep hypothesis from choosing events that cannot happen yet, so that the
    # sequences it plays are full of events that can.

    def _any(self, statuses=None, consents=None):
        return any(
            (statuses is None or self.model.status[n] in statuses)
            and (consents is None or self.model.consent[n] in consents)
            for n in self.model.status
        )

    @precondition(lambda self: self._any(statuses={"draft"}))
    @rule(i=st.integers(0, 4), consent=st.booleans(), bring_in=st.booleans())
    def submit(self, i, consent, bring_in=False):
        n = self.nominations[i].pk
        if self.model.status[n] != "draft":
            return
        Nomination.objects.filter(pk=n).update(
            status="submitted", submitted_at=timezone.now(), consent_status="pending" if consent else "not_needed"
        )
        self.model.status[n] = "submitted"
        self.model.consent[n] = "pending" if consent else "not_needed"
        if bring_in:  # a late nomination, brought into judging by the office straight away
            self.bring_in()

    @precondition(lambda self: self._any(statuses={"draft", "submitted"}))
    @rule(i=st.integers(0, 4))
    def withdraw(self, i):
        n = self.nominations[i].pk
        if self.model.status[n] not in ("draft", "submitted"):
            return
        if self.model.consent[n] == "declined":
            # A nominee who declined closed the nomination to its nominator: nothing changes.
            with pytest.raises(nomination_services.NotEditable):
                nomination_services.nomination_withdraw(nomination=self.nomination(i), now=timezone.now())
            return
        nomination_services.nomination_withdraw(nomination=self.nomination(i), now=timezone.now())
        self.model.status[n] = "withdrawn"

    @precondition(lambda self: self._any(consents={"pending"}))
    @rule(i=st.integers(0, 4), agree=st.booleans(), remove=st.booleans())
    def nominee_answers(self, i, agree, remove):
        n = self.nominations[i].pk
        if self.model.consent[n] != "pending":
            return
        nomination_services.consent_respond(
            nomination=self.nomination(i), agree=agree, remove_data=remove, now=timezone.now()
        )
        self.model.consent[n] = "confirmed" if agree else "declined"
        if remove and not agree:
            self.model.removed.add(n)

    @precondition(lambda self: self._any(statuses={"submitted"}))
    @rule(i=st.integers(0, 4))
    def rule_out(self, i):
        n = self.nominations[i].pk
        if self.model.status[n] != "submitted":
            return
        nomination_services.nomination_mark_ineligible(
            nomination=self.nomination(i), reason="Not employed in the region", by=self.people[OFFICE]
        )
        self.model.status[n] = "ineligible"

    @rule(i=st.integers(0, 4), j=st.integers(0, 4))
    def merge(self, i, j):
        if i == j:
            return
        nomination_services.dossier_merge(nominations=[self.nomination(i), self.nomination(j)], by=self.people[OFFICE])
        self.refresh_dossiers()

    # Judging set-up -------------------------------------------------------------------------

    @rule()
    def bring_in(self):
        stage_sync_entries(stage=self.stages["first"])
        self.refresh_entries()

    @rule(stage=st.sampled_from(STAGES))
    def assign_automatically(self, stage):
        assignments.stage_assign(stage=self.stages[stage], by=self.people[OFFICE])
        self.refresh_assignments()
        for judge, entry in self.model.assigned:
            if self.model.entries[entry][0] == stage:  # the split just made: never a conflict
                assert not self.model.conflicted(judge, entry), "assigned a conflict"

    @rule(judge=st.sampled_from(JUDGES), pick=st.integers(0, 20))
    def assign_by_hand(self, judge, pick):
        if not self.model.entries:
            return
        e = sorted(self.model.entries)[pick % len(self.model.entries)]
        entry = Entry.objects.select_related("stage").get(pk=e)
        try:
            assignments.assignment_add(entry=entry, judge_id=self.people[judge].pk, by=self.people[CHAIR])
        except assignments.AssignmentRefused:
            assert self.model.conflicted(judge, e) or (judge, e) in self.model.assigned
        else:
            assert not self.model.conflicted(judge, e), "a conflicted judge was assigned by hand"
            self.model.assigned.add((judge, e))

    # Conflicts ------------------------------------------------------------------------------

    @rule(
        judge=st.sampled_from(JUDGES),
        stage=st.sampled_from(STAGES),
        answers=st.lists(st.booleans(), min_size=6, max_size=6),
    )
    def declare(self, judge, stage, answers):
        """The judge answers the declaration page as shown: a row per pending nominee (organisation when blind)."""
        url = reverse("judging:declare", args=[self.stages[stage].pk])
        page = self.as_(judge).get(url).content.decode()
        keys = sorted(set(re.findall(r'name="((?:n|org)-[\w]+)-conflict"', page)))
        pending = self.model.pending(judge, stage)
        if self.model.blind[stage]:
            expected = {ORGANISATIONS[self.index[n]] for n in pending}
            assert len(keys) == len(expected), (keys, expected)
        else:
            assert keys == sorted(f"n-{n}" for n in pending), (keys, pending)
        if not keys:
            return  # nothing to declare: the page says so and has no form
        data, chosen = {}, []
        for key, conflicted in zip(keys, answers + [False] * len(keys), strict=False):
            data[f"{key}-conflict"] = "yes" if conflicted else "no"
            data[f"{key}-reason"] = "Stated for the record"
            chosen.append((key, conflicted))
        response = self.as_(judge).post(url, data)
        assert response.status_code == 302, response.content.decode()[:500]
        for key, conflicted in chosen:
            covered = (
                [n for n in pending if ORGANISATIONS[self.index[n]] in self.organisation_for(page, key)]
                if self.model.blind[stage]
                else [int(key[2:])]
            )
            for n in covered:
                self.model.declared.add((stage, judge, n))
                if conflicted:
                    self.model.conflicts.add((judge, n))

    def organisation_for(self, page, key) -> str:
        # The legend of the row whose radios are named key: the organisation it stands for.
        match = re.search(
            rf'<legend[^>]*>\s*([^<]+?)\s*</legend>\s*(?:(?!</fieldset>).)*?name="{re.escape(key)}-conflict"',
            page,
            re.S,
        )
        return match.group(1) if match else ""

    @rule(judge=st.sampled_from(JUDGES), stage=st.sampled_from(STAGES))
    def post_the_declaration_again_to_take_conflicts_back(self, judge, stage):
        """Hole 2(b): a judge posts the declaration page again, "no conflict" on every row it shows
        and on every nomination they had declared a conflict with. Their conflicts must stand; the
        rows shown (only what is still to declare) are declared as no conflict."""
        url = reverse("judging:declare", args=[self.stages[stage].pk])
        page = self.as_(judge).get(url).content.decode()
        keys = set(re.findall(r'name="((?:n|org)-[\w]+)-conflict"', page))
        keys |= {f"n-{n}" for person, n in self.model.conflicts if person == judge}
        data = {}
        for key in keys:
            data[f"{key}-conflict"] = "no"
            data[f"{key}-reason"] = "Changed my mind"
        pending = self.model.pending(judge, stage)
        response = self.as_(judge).post(url, data)
        if response.status_code == 302:
            self.model.declared |= {(stage, judge, n) for n in pending}

    @rule(judge=st.sampled_from(JUDGES), stage=st.sampled_from(STAGES), pick=st.integers(0, 20))
    def judge_declares_a_conflict_with_an_entry(self, judge, stage, pick):
        entries = sorted(self.model.in_stage(stage))
        if not entries:
            return
        e = entries[pick % len(entries)]
        visible = e in self.model.judge_sees(judge, stage)
        url = reverse("judging:conflict", args=[self.stages[stage].pk, e])
        response = self.as_(judge).post(url, {"reason": "I manage them"})
        assert response.status_code == (302 if visible else 404)
        if visible:
            # Read the page it leads to, as the judge would: its message names the entry, once.
            self.as_(judge).get(response["Location"])
            for n in self.model.shown(e):
                self.model.conflicts.add((judge, n))
                self.model.declared.add((stage, judge, n))

    @rule(person=st.sampled_from(JUDGES + [CHAIR]), i=st.integers(0, 4))
    def office_records_a_conflict(self, person, i):
        conflict_services.conflict_record(
            judge=self.people[person],
            nomination=self.nomination(i),
            reason="Line manager",
            by=self.people[OFFICE],
            now=timezone.now(),
        )
        self.model.conflicts.add((person, self.nominations[i].pk))

    @precondition(lambda self: bool(self.model.conflicts))
    @rule(pick=st.integers(0, 30))
    def office_removes_a_conflict(self, pick):
        from judging.models import Conflict

        person, n = sorted(self.model.conflicts)[pick % len(self.model.conflicts)]
        conflict = Conflict.objects.get(judge=self.people[person], nomination_id=n)
        conflict_services.conflict_remove(
            conflict=conflict, reason="Recorded in error", by=self.people[OFFICE], now=timezone.now()
        )
        self.model.conflicts.discard((person, n))

    # Scoring, deciding, packs ---------------------------------------------------------------

    @rule(judge=st.sampled_from(JUDGES), pick=st.integers(0, 20), submit=st.booleans(), value=st.integers(0, 5))
    def score(self, judge, pick, submit, value):
        if not self.model.entries:
            return
        e = sorted(self.model.entries)[pick % len(self.model.entries)]
        entry = Entry.objects.select_related("stage__award").get(pk=e)
        allowed = e in self.model.judge_sees(judge, self.model.entries[e][0])
        card = entry.scorecards.filter(judge=self.people[judge]).first()
        try:
            scorecards.scorecard_save(
                entry=entry,
                judge=self.people[judge],
                scores={"impact": scorecards.ScoreInput(str(value))},
                overall_comment="",
                version=card.version if card else 0,
                now=timezone.now(),
                submit=submit,
            )
        except scorecards.ScoringRefused as error:
            assert not allowed or "submitted" in str(error), str(error)
        else:
            assert allowed, "a judge scored an entry they may not see"

    @rule(pick=st.integers(0, 20), outcome=st.sampled_from(["promoted", "shortlisted", "not_progressed"]))
    def chair_decides(self, pick, outcome):
        visible = sorted(self.model.chair_sees(CHAIR, "first"))
        if not visible:
            return
        e = visible[pick % len(visible)]
        entry = Entry.objects.get(pk=e)
        chair, now = self.people[CHAIR], timezone.now()
        try:
            decisions.decisions_record(
                stage=self.stages["first"], entries=[entry], outcome=outcome, reason="Panel view", by=chair, now=now
            )
        except decisions.DecisionRefused:
            return  # already applied
        decisions.decisions_apply(stage=self.stages["first"], entries=[entry], by=chair, now=now)
        self.model.decided.add(e)
        self.refresh_entries()

    @precondition(lambda self: any(b and s not in self.model.unblinded for s, b in self.model.blind.items()))
    @rule(stage=st.sampled_from(STAGES))
    def office_unblinds(self, stage):
        try:
            stages.stage_unblind(stage=self.stages[stage], by=self.people[OFFICE], now=timezone.now())
        except stages.StageRefused:
            return
        self.stages[stage].refresh_from_db()
        assert self.model.blind[stage]
        self.model.unblinded.add(stage)

    @rule(person=st.sampled_from([CHAIR, OFFICE]), stage=st.sampled_from(STAGES), blind=st.booleans())
    def build_a_pack(self, person, stage, blind):
        url = reverse("judging:shortlist_request", args=[self.stages[stage].pk])
        response = self.as_(person).post(url, {"blind": "1" if blind else ""})
        assert response.status_code == 302
        pack = ShortlistPack.objects.latest("pk")
        assert pack.status == "done", pack.error
        shows = self.model.chair_sees(person, stage)
        blind_pack = blind or not self.model.names_visible(person, stage)
        assert set(pack.entry_ids) == shows and pack.blind == blind_pack
        self.model.packs[pack.pk] = (stage, shows, blind_pack)
        with pack.pdf.open("rb") as stored:
            text = pdf_text(stored.read())
        self.assert_shows_only(text, person, stage, shows, names=not blind_pack, where=f"pack by {person}")

    @rule(judge=st.sampled_from(JUDGES), stage=st.sampled_from(STAGES))
    def judge_downloads_the_reading_pack(self, judge, stage):
        response = self.as_(judge).get(reverse("judging:reading_pack", args=[self.stages[stage].pk]))
        if response.status_code == 302:
            assert not self.model.judge_sees(judge, stage)
            return
        sees = self.model.judge_sees(judge, stage)
        self.assert_shows_only(
            pdf_text(response.content), judge, stage, sees, names=not self.model.blind[stage], where="reading pack"
        )

    @rule(judge=st.sampled_from(JUDGES), pick=st.integers(0, 20))
    def judge_opens_an_entry(self, judge, pick):
        if not self.model.entries:
            return
        e = sorted(self.model.entries)[pick % len(self.model.entries)]
        stage = self.model.entries[e][0]
        visible = e in self.model.judge_sees(judge, stage)
        page = self.as_(judge).get(reverse("judging:score", args=[self.stages[stage].pk, e]))
        assert page.status_code == (200 if visible else 404), (judge, e)
        autosave = self.as_(judge).post(
            reverse("judging:autosave", args=[self.stages[stage].pk, e]), {"version": "999"}
        )
        assert (autosave.status_code == 404) == (not visible), (judge, e, autosave.status_code)
        if visible:
            self.assert_shows_only(
                page.content.decode(), judge, stage, {e}, names=not self.model.blind[stage], where="entry page"
            )

    @rule(person=st.sampled_from([CHAIR, OFFICE]), pick=st.integers(0, 20))
    def chair_explains_an_entry(self, person, pick):
        if not self.model.entries:
            return
        e = sorted(self.model.entries)[pick % len(self.model.entries)]
        stage = self.model.entries[e][0]
        visible = e in self.model.chair_sees(person, stage)
        page = self.as_(person).get(reverse("judging:explain", args=[self.stages[stage].pk, e]))
        assert page.status_code == (200 if visible else 404), (person, e)
        if visible:
            self.assert_shows_only(
                page.content.decode(),
                person,
                stage,
                self.model.chair_sees(person, stage),
                names=self.model.named(person, stage),
                where="explain",
            )

    # Surfaces: each page, export and PDF is read at random points of the sequence (a rule, so
    # that hypothesis chooses when), and checked against the model there and then.

    @rule(judge=st.sampled_from(JUDGES), stage=st.sampled_from(STAGES))
    def judge_reads_their_queue(self, judge, stage):
        stage_obj = self.stages[stage]
        response = self.as_(judge).get(reverse("judging:queue", args=[stage_obj.pk]))
        sees = self.model.judge_sees(judge, stage)
        if response.status_code == 302:  # to the declaration page: nothing declared yet
            assert not sees and self.model.pending(judge, stage)
            return
        page = response.content.decode()
        listed = {int(pk) for pk in re.findall(rf"/judging/stages/{stage_obj.pk}/entries/(\d+)/\"", page)}
        assert listed == sees, (judge, stage, listed, sees)
        self.assert_shows_only(page, judge, stage, sees, names=not self.model.blind[stage], where="queue")
        pending = len(self.model.pending(judge, stage))
        if pending:
            assert f"{pending} nomination" in page, (judge, stage, pending)

    @rule(person=st.sampled_from([CHAIR, OFFICE]), stage=st.sampled_from(STAGES))
    def chair_reads_the_results(self, person, stage):
        stage_obj = self.stages[stage]
        sees = self.model.chair_sees(person, stage)
        names = self.model.named(person, stage)
        export = self.as_(person).get(reverse("judging:export", args=[stage_obj.pk, "ranking", "csv"]))
        text = export.content.decode("utf-8-sig")
        assert {row["reference"] for row in csv.DictReader(io.StringIO(text))} == self.references(sees), (person, stage)
        self.assert_shows_only(text, person, stage, sees, names=names, where="ranking export")
        # The ranking lists, by reference and reason only, the entries that have left judging.
        left = {
            e for e in self.model.in_stage(stage) if not self.model.judged(e) and not self.model.conflicted(person, e)
        }
        ranking = self.as_(person).get(reverse("judging:ranking", args=[stage_obj.pk])).content.decode()
        self.assert_shows_only(ranking, person, stage, sees, names=names, where="ranking", listed=left)
        for reference in self.references(left):
            assert reference in ranking, f"{reference} left judging but the chair is not told"
        outcomes = self.as_(person).get(reverse("judging:outcomes", args=[stage_obj.pk])).content.decode()
        self.assert_shows_only(outcomes, person, stage, sees, names=names, where="outcome emails page")

    # The invariants, after every step -------------------------------------------------------

    def references(self, entry_ids) -> set[str]:
        found = set()
        for e in entry_ids:
            kind, key = self.model.entries[e][1]
            found.add(Nomination.objects.get(pk=key).reference if kind == "n" else f"KC-D{key:03d}")
        return found

    def assert_shows_only(self, text, person, stage, entry_ids, *, names, where: str, listed=()):
        """No word of any nomination outside the given entries, and none of an entry whose names may
        not be shown (`names`: True for all, False for none, or the set of entries named); no
        reference of another entry of the stage but those `listed` (by reference only)."""
        allowed, titles = set(), ""
        named = [e for e in entry_ids if names is True or (isinstance(names, set) and e in names)]
        if named:
            allowed = {n for e in named for n in self.model.shown(e)}
            # A dossier is titled with its first nomination's nominee: that name belongs to the entry.
            dossiers = [key for e in named for kind, key in [self.model.entries[e][1]] if kind == "d"]
            titles = " ".join(Dossier.objects.filter(pk__in=dossiers).values_list("title", flat=True))
        for n, i in self.index.items():
            if n in allowed:
                continue
            for word in words_of(i):
                if word == NOMINEES[i] and word in titles:
                    continue
                assert word not in text, (
                    f"{where} for {person} in {stage} shows {word} ({self.nominations[i].reference})"
                )
        # A nomination merged into a dossier shows its reference as one of the dossier's: its own
        # entry has left judging, but the reference belongs to an entry this person may see.
        members = {self.nominations[self.index[n]].reference for e in entry_ids for n in self.model.shown(e)}
        for reference in self.references(set(self.model.in_stage(stage)) - set(entry_ids) - set(listed)) - members:
            assert not re.search(rf"\b{re.escape(reference)}\b", text), f"{where} for {person} shows {reference}"

    @invariant()
    def access_agrees_with_the_model(self):
        if not hasattr(self, "stages"):
            return
        from judging import access

        for stage, stage_obj in self.stages.items():
            everything = list(Entry.objects.filter(stage=stage_obj).values_list("pk", flat=True))
            for judge in JUDGES:
                got = set(access.entries_for_judge(self.people[judge], stage_obj).values_list("pk", flat=True))
                assert got == self.model.judge_sees(judge, stage), (judge, stage)
                # The autosave's one-entry forms of the same rule:
                # the entry; and the judge's scorecard and its scores, wherever they have one.
                person = self.people[judge]
                one_by_one = {e for e in everything if access.judges_entry(person, stage_obj, e)}
                assert one_by_one == got, (judge, stage)
                scored = set(
                    Score.objects.filter(scorecard__judge=person).values_list("scorecard__entry_id", flat=True)
                )
                with transaction.atomic():
                    for e in Scorecard.objects.filter(judge=person, entry__stage=stage_obj).values_list(
                        "entry_id", flat=True
                    ):
                        card = access.judges_scorecard(person, stage_obj, e)
                        assert (card is not None) == (e in got), (judge, stage, e)
                        assert card is None or (card.entry_id, card.judge_id) == (e, person.pk)
                        scores = access.judges_scores(person, stage_obj, e)
                        assert bool(scores) == (e in got and e in scored), (judge, stage, e)
                        assert all(score.scorecard.entry_id == e for score in scores)
            for person in (CHAIR, OFFICE):
                got = set(access.entries_for_chair(self.people[person], stage_obj).values_list("pk", flat=True))
                assert got == self.model.chair_sees(person, stage), (person, stage)

    @invariant()
    def packs_go_only_to_who_may_see_all_of_them(self):
        if not hasattr(self, "stages"):
            return
        # Packs built earlier, asked for again now by each chair and the office.
        for pack_id, (stage, shows, blind_pack) in self.model.packs.items():
            for person in (CHAIR, OFFICE):
                hidden = self.model.hidden(person, stage)
                may = shows <= self.model.chair_sees(person, stage) and (
                    blind_pack or (hidden is not True and not (shows & hidden))
                )
                url = reverse("judging:shortlist_download", args=[self.stages[stage].pk, pack_id])
                assert self.as_(person).get(url).status_code == (200 if may else 404), (person, pack_id)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_judging_keeps_its_rules_whatever_the_order_of_events(db):
    JudgingLifecycle.client = Client()
    run_state_machine_as_test(JudgingLifecycle, settings=MACHINE)
