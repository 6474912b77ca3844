"""A large, realistic, deterministic programme for tests and benchmarks (`manage.py seed_synthetic`).

One award, `synthetic-award`, in programme `synthetic`: six long-text questions with answers
of realistic length, a reportable region question, five criteria (different scales and
weights, one of weight 0, one allowing N/A); a scoring stage `Shortlisting` whose panel holds
the judges in two groups (Patient leaders 0.3, Clinical experts 0.7) and a chair; a balanced
assignment of three judges per entry; about 5% of judge–entry pairs declared as conflicts;
every scorecard submitted, with some judges harsher than others. The same seed always builds
the same data. Rows are written in bulk, because N = 5,000 must build in under two minutes.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from awards import format
from awards.models import Programme, Status
from judging.assignment import balanced_split
from judging.models import (
    Assignment,
    Ballot,
    Conflict,
    ConflictDeclaration,
    Entry,
    JudgeGroup,
    PanelMember,
    Score,
    Scorecard,
    Stage,
    Vote,
)
from judging.scorecards import totals_refresh
from nominations.models import Answer, Dossier, Nomination

PROGRAMME = "synthetic"
AWARD = "synthetic-award"
STAGE = "Shortlisting"
PASSWORD = "plaudit-synthetic"
JUDGE_PREFIX = "synthetic-judge-"
REGIONS = [
    "London",
    "Midlands",
    "North East and Yorkshire",
    "North West",
    "South East",
    "South West",
    "East of England",
]
QUESTIONS = [
    ("what-they-did", "What did the nominee do?", 600),
    ("patients", "How did they involve patients, carers and the public?", 500),
    ("difference", "What difference has it made, and how do you know?", 500),
    ("obstacles", "What got in the way, and how did they overcome it?", 400),
    ("sharing", "How have they shared what they learned?", 400),
    ("next", "What happens next?", 300),
]
# (key, title, scale_min, scale_max, weight, allow_na)
CRITERIA = [
    ("impact", "Impact on people who use services", 0, 5, "3", False),
    ("involvement", "Involvement of patients and the public", 1, 4, "2", False),
    ("evidence", "Evidence of improvement", 0, 10, "2", False),
    ("sustainability", "Sustainability and spread", 0, 5, "1", True),
    ("presentation", "Clarity of the nomination", 1, 3, "0", False),
]
WORDS = (
    "patients carers staff clinic ward team listened changed improved service feedback group weekly plan "
    "community support safer care time family hospital nurse doctor volunteers waiting meeting trust learning "
    "training survey outcomes quality involved together voices design pathway discharge home visits review "
    "leadership board partners local people experience results months year measured fewer complaints better "
    "access appointments kindness respect dignity clear information shared practice region network mental health"
).split()
FIRST = (
    "Amara Ben Chloe Dev Ellis Fatima George Hana Imran Jess Kofi Lena Marek Nia Owen Priya Quinn Rosa Sami Tom".split()
)
LAST = "Adams Begum Clarke Davies Evans Fisher Green Hughes Iqbal Jones Khan Lewis Morgan Nolan Owusu Patel".split()
ORGANISATIONS = [
    f"{place} {kind}"
    for place in ("Northfield", "Southbay", "Eastmoor", "Westvale", "Kingsford")
    for kind in ("Hospital NHS Trust", "Community Health", "Mental Health Trust", "Primary Care Network")
]


@dataclass
class Built:
    programme: Programme
    stage: Stage
    nominations: int
    judges: int
    assignments: int
    conflicts: int
    scorecards: int


def _definition(now) -> dict:
    opens = (now - dt.timedelta(days=90)).strftime("%Y-%m-%dT%H:%M")
    closes = (now - dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    questions = [
        {
            "key": "region",
            "prompt": "Which region is the nominee based in?",
            "type": "choice",
            "required": True,
            "choices": REGIONS,
            "reportable": True,
        }
    ] + [
        {"key": key, "prompt": prompt, "type": "long_text", "required": True, "max_words": limit}
        for key, prompt, limit in QUESTIONS
    ]
    criteria = [
        {
            "key": key,
            "title": title,
            "scale": [low, high],
            "weight": weight,
            "allow_na": allow_na,
            "levels": {low: "No evidence", high: "Outstanding evidence"},
            "questions": [q[0] for q in QUESTIONS[:2]],
        }
        for key, title, low, high, weight, allow_na in CRITERIA
    ]
    return {
        "format": 1,
        "programme": {
            "slug": PROGRAMME,
            "name": "Synthetic Awards",
            "organiser": "Plaudit benchmarks",
            "contact_email": "awards@example.org",
            "timezone": "Europe/London",
            "nominations_open": opens,
            "nominations_close": closes,
        },
        "awards": [
            {
                "slug": AWARD,
                "title": "Synthetic Award",
                "summary": "Generated data for tests and benchmarks.",
                "nominee": "individual",
                "sections": [{"title": "The nomination", "questions": questions}],
                "criteria": criteria,
            }
        ],
    }


def remove_synthetic() -> None:
    """Delete the synthetic programme (and its judges' accounts)."""
    remove_programme(PROGRAMME)
    get_user_model().objects.filter(username__startswith=JUDGE_PREFIX).delete()


def remove_programme(slug: str) -> None:
    """Delete a generated programme and everything hanging from it, children first (the
    protected foreign keys that keep real data safe from a careless delete need this order).
    For the synthetic and benchmark programmes only; real programmes are anonymised, not deleted."""
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None:
        return
    stages = Stage.objects.filter(award__programme=programme)
    Score.objects.filter(scorecard__entry__stage__in=stages).delete()
    Scorecard.objects.filter(entry__stage__in=stages).delete()
    Vote.objects.filter(ballot__stage__in=stages).delete()
    Ballot.objects.filter(stage__in=stages).delete()
    Assignment.objects.filter(entry__stage__in=stages).delete()
    Entry.objects.filter(stage__in=stages).delete()
    ConflictDeclaration.objects.filter(stage__in=stages).delete()
    PanelMember.objects.filter(stage__in=stages).delete()
    stages.delete()
    nominations = Nomination.objects.filter(award__programme=programme)
    Conflict.objects.filter(nomination__in=nominations).delete()
    Answer.objects.filter(nomination__in=nominations).delete()
    nominations.delete()
    Dossier.objects.filter(award__programme=programme).delete()
    for award in programme.awards.all():
        award.criteria.all().delete()
        award.questions.all().delete()
        award.sections.all().delete()
        award.delete()
    programme.delete()


def _text(rng: random.Random, words: int) -> str:
    sentences, left = [], words
    while left > 0:
        length = min(left, rng.randint(8, 22))
        chosen = rng.choices(WORDS, k=length)
        sentences.append(chosen[0].capitalize() + " " + " ".join(chosen[1:]) + ".")
        left -= length
    # Paragraphs of about five sentences, as people write.
    return "\n\n".join(" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5))


def build(*, nominations: int, judges: int, seed: int = 0, out=None) -> Built:
    """Replace any earlier synthetic programme with a new one built from the seed."""
    rng = random.Random(seed)
    now = timezone.now().replace(microsecond=0)
    say = out or (lambda message: None)
    User = get_user_model()
    with transaction.atomic():
        remove_synthetic()
        programme = format.import_definition(format.parse(_definition(now))).programme
        # Imports are drafts; synthetic data is public at once, without the office's pre-flight check.
        programme.awards.update(status=Status.PUBLISHED)
        Programme.objects.filter(pk=programme.pk).update(status=Status.PUBLISHED)
        award = programme.awards.get(slug=AWARD)
        questions = {q.key: q for q in award.questions.all()}
        criteria = list(award.criteria.order_by("position", "id"))
        stage = Stage.objects.create(
            award=award,
            name=STAGE,
            opens_at=now - dt.timedelta(days=20),
            closes_at=now + dt.timedelta(days=10),
            assigning=Stage.Assigning.BALANCED,
            judges_per_entry=3,
            assignment_seed=seed,
        )
        patients = JudgeGroup.objects.create(stage=stage, name="Patient leaders", share="0.3")
        experts = JudgeGroup.objects.create(stage=stage, name="Clinical experts", share="0.7")

        say(f"nominations: {nominations}")
        submitted_at = now - dt.timedelta(days=35)
        rows = []
        for number in range(1, nominations + 1):
            nominee = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            rows.append(
                Nomination(
                    award=award,
                    reference=f"SYN-{number:05d}",
                    status=Nomination.Status.SUBMITTED,
                    nominee_kind="individual",
                    nominee_name=nominee,
                    nominee_job_title="Ward manager",
                    nominee_organisation=rng.choice(ORGANISATIONS),
                    nominee_email=f"nominee{number}@example.org",
                    nominator_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    nominator_email=f"nominator{number}@example.org",
                    nominator_organisation=rng.choice(ORGANISATIONS),
                    nominator_relationship="Colleague",
                    submitted_at=submitted_at + dt.timedelta(seconds=number),
                    last_saved_at=submitted_at,
                )
            )
        Nomination.objects.bulk_create(rows, batch_size=1000)
        created = list(Nomination.objects.filter(award=award).order_by("reference").values_list("pk", flat=True))
        answers = []
        for nomination_id in created:
            answers.append(Answer(nomination_id=nomination_id, question=questions["region"], value=rng.choice(REGIONS)))
            for key, _prompt, limit in QUESTIONS:
                # Most people write well under the limit; a few write right up to it.
                length = min(limit, max(40, int(rng.gauss(limit * 0.55, limit * 0.2))))
                answers.append(Answer(nomination_id=nomination_id, question=questions[key], value=_text(rng, length)))
            if len(answers) >= 7000:
                Answer.objects.bulk_create(answers, batch_size=1000)
                answers = []
        Answer.objects.bulk_create(answers, batch_size=1000)
        Entry.objects.bulk_create([Entry(stage=stage, nomination_id=pk) for pk in created], batch_size=1000)
        entries = list(Entry.objects.filter(stage=stage).order_by("pk").values_list("pk", "nomination_id"))

        say(f"judges: {judges}")
        password = make_password(PASSWORD)  # hashed once, not once per judge
        patient_count = max(1, round(judges * 0.3)) if judges > 1 else 0
        users = User.objects.bulk_create(
            [
                User(
                    username=f"{JUDGE_PREFIX}{number:03d}",
                    email=f"{JUDGE_PREFIX}{number:03d}@example.org",
                    first_name=rng.choice(FIRST),
                    last_name=rng.choice(LAST),
                    password=password,
                )
                for number in range(1, judges + 1)
            ]
        )
        users = list(User.objects.filter(username__startswith=JUDGE_PREFIX).order_by("username"))
        group_of = {user.pk: (patients if index < patient_count else experts) for index, user in enumerate(users)}
        PanelMember.objects.bulk_create(
            PanelMember(stage=stage, user=user, group=group_of[user.pk], organisation=rng.choice(ORGANISATIONS))
            for user in users
        )
        # Every judge has declared for every nomination of the stage (their conflicts follow).
        ConflictDeclaration.objects.bulk_create(
            (
                ConflictDeclaration(stage=stage, judge=user, nomination_id=nomination_id, declared_at=stage.opens_at)
                for user in users
                for _entry_id, nomination_id in entries
            ),
            batch_size=5000,
        )
        admin, _ = User.objects.get_or_create(username="admin", defaults={"email": "admin@example.org"})
        if not admin.is_superuser:
            admin.is_superuser = admin.is_staff = True
            admin.set_password(PASSWORD)
            admin.save()
        chair, _ = User.objects.get_or_create(
            username="synthetic-chair", defaults={"email": "synthetic-chair@example.org", "first_name": "Chris"}
        )
        chair.set_password(PASSWORD)
        chair.save()
        PanelMember.objects.create(stage=stage, user=chair, role=PanelMember.Role.CHAIR)

        say("conflicts")
        pairs = len(entries) * len(users)
        wanted = round(pairs * 0.05)
        conflicted = set()
        if users and entries:
            while len(conflicted) < wanted:
                conflicted.add((rng.randrange(len(users)), rng.randrange(len(entries))))
        Conflict.objects.bulk_create(
            (
                Conflict(
                    judge=users[j],
                    nomination_id=entries[e][1],
                    status=Conflict.Status.CONFIRMED,
                    source=Conflict.Source.JUDGE,
                    reason="I know the nominee.",
                    decided_at=stage.opens_at,
                )
                for j, e in sorted(conflicted)
            ),
            batch_size=2000,
        )

        say("assignments")
        # Positions, not database ids, so the same seed gives the same split whatever ids the rows get.
        split = balanced_split(
            entries=range(len(entries)),
            judges={index: group_of[user.pk].name for index, user in enumerate(users)},
            per_entry=min(3, len(users)),
            conflicts={(j, e) for j, e in conflicted},
            seed=seed,
        )
        chosen_pairs = [
            (entries[e][0], users[j].pk) for e, chosen in sorted(split.assignments.items()) for j in sorted(chosen)
        ]
        Assignment.objects.bulk_create(
            (Assignment(entry_id=entry, judge_id=judge) for entry, judge in chosen_pairs), batch_size=2000
        )

        say("scorecards")
        quality = {pk: rng.gauss(0, 1) for pk, _ in entries}
        harshness = {user.pk: rng.gauss(0, 0.6) for user in users}
        cards = [
            Scorecard(
                entry_id=entry,
                judge_id=judge,
                status=Scorecard.Status.SUBMITTED,
                version=1,
                submitted_at=stage.opens_at + dt.timedelta(minutes=rng.randrange(60 * 24 * 15)),
                overall_comment=rng.choice(["", "", "A strong, well-evidenced nomination.", "Needs more evidence."]),
            )
            for entry, judge in chosen_pairs
        ]
        Scorecard.objects.bulk_create(cards, batch_size=2000)
        scores = []
        for card_id, entry_id, judge_id in (
            Scorecard.objects.filter(entry__stage=stage).order_by("pk").values_list("pk", "entry_id", "judge_id")
        ):
            for criterion in criteria:
                if criterion.allow_na and rng.random() < 0.08:
                    scores.append(Score(scorecard_id=card_id, criterion=criterion, not_applicable=True))
                    continue
                middle = (criterion.scale_min + criterion.scale_max) / 2
                spread = (criterion.scale_max - criterion.scale_min) / 4
                raw = middle + spread * (quality[entry_id] - harshness[judge_id] + rng.gauss(0, 0.5))
                value = max(criterion.scale_min, min(criterion.scale_max, round(raw)))
                scores.append(Score(scorecard_id=card_id, criterion=criterion, value=value))
            if len(scores) >= 20000:
                Score.objects.bulk_create(scores, batch_size=5000)
                scores = []
        Score.objects.bulk_create(scores, batch_size=5000)
        totals_refresh(award=award)
    return Built(
        programme=programme,
        stage=stage,
        nominations=len(entries),
        judges=len(users),
        assignments=len(cards),
        conflicts=len(conflicted),
        scorecards=len(cards),
    )
