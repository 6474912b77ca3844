"""Data for the benchmarks, built in bulk: a ranking stage of 5,000 entries × 20 judges × 8
criteria, and shortlists of long entries for the PDF benchmarks. All in programme `bench`."""

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from awards import format
from awards.models import Programme, Status
from demo.synthetic import WORDS
from judging.models import Assignment, Entry, JudgeGroup, PanelMember, Score, Scorecard, Stage
from nominations.models import Answer, Nomination

PROGRAMME = "bench"


def _definition(now, awards):
    return {
        "format": 1,
        "programme": {
            "slug": PROGRAMME,
            "name": "Benchmark Awards",
            "organiser": "Plaudit benchmarks",
            "contact_email": "bench@example.org",
            "timezone": "Europe/London",
            "nominations_open": (now - dt.timedelta(days=90)).strftime("%Y-%m-%dT%H:%M"),
            "nominations_close": (now - dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),
        },
        "awards": awards,
    }


def _award(slug, criteria, questions):
    return {
        "slug": slug,
        "title": slug.replace("-", " ").title(),
        "summary": "Benchmark data.",
        "nominee": "individual",
        "sections": [
            {
                "title": "The nomination",
                "questions": [
                    {
                        "key": f"q{i}",
                        "prompt": f"Question {i}: what did they do?",
                        "type": "long_text",
                        "max_words": 1000,
                    }
                    for i in range(questions)
                ],
            }
        ],
        "criteria": [
            {
                "key": f"c{i}",
                "title": f"Criterion {i}",
                "scale": [0, 5 + i % 3 * 5],
                "weight": str(1 + i % 4),
                "allow_na": i == 3,
                "levels": {0: "None", 5 + i % 3 * 5: "Outstanding"},
            }
            for i in range(criteria)
        ],
    }


def _text(rng, words):
    chosen = rng.choices(WORDS, k=words)
    sentences = [" ".join(chosen[i : i + 15]).capitalize() + "." for i in range(0, words, 15)]
    return "\n\n".join(" ".join(sentences[i : i + 6]) for i in range(0, len(sentences), 6))


def _judges(count, prefix):
    User = get_user_model()
    password = make_password("plaudit-bench")
    User.objects.filter(username__startswith=prefix).delete()
    User.objects.bulk_create(
        User(
            username=f"{prefix}{i:03d}",
            email=f"{prefix}{i:03d}@example.org",
            first_name="Judge",
            last_name=f"{i:03d}",
            password=password,
        )
        for i in range(count)
    )
    return list(User.objects.filter(username__startswith=prefix).order_by("username"))


def _stage(award, name, judges, groups=True):
    stage = Stage.objects.create(award=award, name=name, opens_at=timezone.now() - dt.timedelta(days=5))
    patients = JudgeGroup.objects.create(stage=stage, name="Patient leaders", share="0.3") if groups else None
    experts = JudgeGroup.objects.create(stage=stage, name="Clinical experts", share="0.7") if groups else None
    PanelMember.objects.bulk_create(
        PanelMember(stage=stage, user=judge, group=(patients if i % 3 == 0 else experts) if groups else None)
        for i, judge in enumerate(judges)
    )
    return stage


def _nominations(award, count, rng, words_per_answer=0, questions=()):
    now = timezone.now()
    rows = Nomination.objects.bulk_create(
        (
            Nomination(
                award=award,
                reference=f"{award.reference_prefix}-{i:05d}",
                status="submitted",
                nominee_name=f"Nominee {i}",
                nominee_organisation="Northfield Hospital",
                nominator_email=f"bench{i}@example.org",
                submitted_at=now,
            )
            for i in range(count)
        ),
        batch_size=2000,
    )
    if words_per_answer:
        Answer.objects.bulk_create(
            (Answer(nomination=n, question=q, value=_text(rng, words_per_answer)) for n in rows for q in questions),
            batch_size=2000,
        )
    return rows


def _score_everything(stage, nominations, judges, criteria, rng, per_entry=None):
    """Every entry scored by every judge, or (per_entry) by that many of them in turn: a balanced split."""
    per_entry = per_entry or len(judges)
    entries = Entry.objects.bulk_create((Entry(stage=stage, nomination=n) for n in nominations), batch_size=2000)
    harsh = {judge.pk: rng.gauss(0, 0.6) for judge in judges}
    cards = Scorecard.objects.bulk_create(
        (
            Scorecard(
                entry=entry,
                judge=judge,
                status="submitted",
                version=1,
                submitted_at=timezone.now(),
                overall_comment="A clear entry." if i % 7 == 0 else "",
            )
            for i, entry in enumerate(entries)
            for judge in (judges[(i * per_entry + j) % len(judges)] for j in range(per_entry))
        ),
        batch_size=5000,
    )
    if per_entry < len(judges):
        Assignment.objects.bulk_create(
            (Assignment(entry_id=card.entry_id, judge_id=card.judge_id) for card in cards), batch_size=5000
        )
    quality = {entry.pk: rng.gauss(0, 1) for entry in entries}
    batch = []
    for card in cards:
        for criterion in criteria:
            span = criterion.scale_max - criterion.scale_min
            raw = (
                criterion.scale_min
                + span / 2
                + span / 4 * (quality[card.entry_id] - harsh[card.judge_id] + rng.gauss(0, 0.5))
            )
            value = max(criterion.scale_min, min(criterion.scale_max, round(raw)))
            batch.append(
                Score(
                    scorecard=card,
                    criterion=criterion,
                    value=value,
                    comment="Well evidenced." if criterion.position == 0 and card.pk % 5 == 0 else "",
                )
            )
        if len(batch) >= 50_000:
            Score.objects.bulk_create(batch, batch_size=10_000)
            batch = []
    Score.objects.bulk_create(batch, batch_size=10_000)
    return entries


def build(*, entries=5000, judges=20, criteria=8, shortlist=50, pack_entries=120, per_entry=None, seed=1, say=print):
    """Replace the bench programme: a ranking award, a 50-entry shortlist award and a big-pack award."""
    rng = random.Random(seed)
    now = timezone.now()
    _remove()
    definition = _definition(
        now,
        [
            _award("ranking", criteria, 1),
            _award("shortlist", 3, 6),
            _award("big-pack", 3, 6),
        ],
    )
    programme = format.import_definition(format.parse(definition)).programme
    # Imports are drafts; synthetic data is public at once, without the office's pre-flight check.
    programme.awards.update(status=Status.PUBLISHED)
    Programme.objects.filter(pk=programme.pk).update(status=Status.PUBLISHED)
    awards = {a.slug: a for a in programme.awards.all()}
    people = _judges(judges, "bench-judge-")
    with transaction.atomic():
        say(f"ranking: {entries} entries × {per_entry or judges} of {judges} judges × {criteria} criteria")
        award = awards["ranking"]
        stage = _stage(award, "Ranking", people)
        nominations = _nominations(award, entries, rng)
        _score_everything(stage, nominations, people, list(award.criteria.all()), rng, per_entry=per_entry)
    for slug, count in (("shortlist", shortlist), ("big-pack", pack_entries)):
        with transaction.atomic():
            say(f"{slug}: {count} entries of about 2,000 words, 3 judges")
            award = awards[slug]
            questions = list(award.questions.all())
            stage = _stage(award, "Shortlisting", people[:3], groups=False)
            nominations = _nominations(award, count, rng, words_per_answer=330, questions=questions)
            _score_everything(stage, nominations, people[:3], list(award.criteria.all()), rng)
    from judging.scorecards import totals_refresh

    for award in awards.values():
        say(f"totals: {award.slug}")
        totals_refresh(award=award)
    if connection.vendor == "postgresql":
        # What autovacuum does a minute after a bulk load: the rows of the programme this replaced
        # cleared away and planner statistics for the new ones, so the benchmark measures the
        # plans a live site gets, not plans for empty tables or indexes full of dead rows.
        say("vacuum analyze")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return programme


def _remove():
    from demo.synthetic import remove_programme

    remove_programme(PROGRAMME)
