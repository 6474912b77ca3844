"""The awards office's overview of one programme: how nominations and judging are going.

Reads only, in a fixed number of queries per award and per stage (never per nomination), so the
page stays quick at 20,000 nominations. Likely duplicates are counted by the two exact signs
(the same nominee email; the same name at the same organisation), in one pass; the duplicates
page adds the close-name check, which compares every pair.
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from awards.models import Award, Programme, Question
from judging.entries import judgeable
from judging.models import Stage
from judging.selectors import judge_progress
from nominations.dossiers import normalise_name, normalise_organisation
from nominations.models import Answer, Nomination
from nominations.selectors import display_value
from plaudit import addresses

# How many days of the nominations-per-day chart are drawn as bars (the table always has them all).
CHART_DAYS = 120


@dataclass
class AwardFigures:
    award: Award
    submitted: int = 0
    drafts: int = 0
    consent_pending: int = 0
    not_eligible: int = 0
    withdrawn: int = 0
    duplicates: int = 0
    to_screen: int = 0
    screened_eligible: int = 0
    closes_at: dt.datetime | None = None
    days_left: int | None = None


@dataclass
class StageFigures:
    stage: Stage
    entries: int
    judges: int
    assigned: int
    submitted: int
    behind: int
    days_left: int | None

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.assigned) if self.assigned else 0


@dataclass
class Bar:
    label: str
    count: int
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0


@dataclass
class Chart:
    """Bars laid out for an inline SVG of width × height (labels below), with the same figures as rows."""

    bars: list[Bar]
    width: int = 720
    height: int = 160
    most: int = 0
    total: int = 0


@dataclass
class SpreadFigures:
    award: Award
    question: Question
    chart: Chart


@dataclass
class Overview:
    programme: Programme
    now: dt.datetime
    awards: list[AwardFigures]
    stages: list[StageFigures]
    per_day: Chart
    spreads: list[SpreadFigures] = field(default_factory=list)
    days_left: int | None = None

    @property
    def totals(self) -> AwardFigures:
        total = AwardFigures(award=None)
        for row in self.awards:
            for name in (
                "submitted",
                "drafts",
                "consent_pending",
                "not_eligible",
                "withdrawn",
                "duplicates",
                "to_screen",
                "screened_eligible",
            ):
                setattr(total, name, getattr(total, name) + getattr(row, name))
        return total


def days_until(moment: dt.datetime | None, now: dt.datetime, zone) -> int | None:
    """Whole calendar days from today to the moment's day in the programme's time zone (0: today;
    negative: passed)."""
    if moment is None:
        return None
    return (moment.astimezone(zone).date() - now.astimezone(zone).date()).days


def layout(rows: list[tuple[str, int]], *, width: int = 720, height: int = 160) -> Chart:
    """Bars for an SVG bar chart: equal widths, heights in proportion to the largest count."""
    most = max((count for _, count in rows), default=0)
    chart = Chart(bars=[], width=width, height=height, most=most, total=sum(c for _, c in rows))
    if not rows:
        return chart
    slot = width / len(rows)
    for index, (label, count) in enumerate(rows):
        bar_height = (height - 4) * count / most if most else 0
        chart.bars.append(
            Bar(
                label=label,
                count=count,
                x=round(index * slot + slot * 0.1, 2),
                y=round(height - bar_height, 2),
                width=round(max(slot * 0.8, 1), 2),
                height=round(bar_height, 2),
            )
        )
    return chart


ROW = 28  # a horizontal bar's row height in the spread charts
BAR_START, BAR_ROOM = 280, 380  # where the bars start (after the labels) and their longest length


def hlayout(rows: list[tuple[str, int]]) -> Chart:
    """Horizontal bars, one row per answer: the label, then the bar, then the count."""
    most = max((count for _, count in rows), default=0)
    chart = Chart(bars=[], width=BAR_START + BAR_ROOM + 60, height=len(rows) * ROW + 4, most=most)
    chart.total = sum(count for _, count in rows)
    for index, (label, count) in enumerate(rows):
        length = BAR_ROOM * count / most if most else 0
        chart.bars.append(
            Bar(label=label, count=count, x=round(length, 2), y=index * ROW + 4, width=round(length, 2), height=20)
        )
    return chart


def _duplicates(rows) -> int:
    """Pairs of submitted nominations of one award that share a nominee email, or a name and
    organisation (a pair sharing both is one pair)."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for pk, email, name, organisation in rows:
        address = addresses.normalised_or_none(email)
        if address:
            groups["email", address].append(pk)
        key = normalise_name(name), normalise_organisation(organisation)
        if key[0]:
            groups["name", key].append(pk)
    pairs = {(a, b) for members in groups.values() for a, b in combinations(sorted(members), 2)}
    return len(pairs)


def programme_overview(programme: Programme, now: dt.datetime | None = None) -> Overview:
    """The figures of the overview page for one programme (see the module's docstring)."""
    now = now or timezone.now()
    zone = programme.zone
    awards = list(programme.awards.filter(active=True).order_by("position", "id"))
    nominations = Nomination.objects.filter(award__programme=programme)
    Status, Consent = Nomination.Status, Nomination.Consent
    counts = {
        row["award_id"]: row
        for row in nominations.values("award_id").annotate(
            submitted=Count("pk", filter=Q(status=Status.SUBMITTED)),
            drafts=Count("pk", filter=Q(status=Status.DRAFT)),
            consent_pending=Count("pk", filter=Q(status=Status.SUBMITTED, consent_status=Consent.PENDING)),
            not_eligible=Count("pk", filter=Q(status=Status.INELIGIBLE)),
            withdrawn=Count("pk", filter=Q(status=Status.WITHDRAWN)),
            to_screen=Count("pk", filter=Q(status=Status.SUBMITTED, screened_at__isnull=True)),
            screened_eligible=Count("pk", filter=Q(status=Status.SUBMITTED, screened_at__isnull=False)),
        )
    }
    live = nominations.filter(status=Status.SUBMITTED, nominee_data_removed_at__isnull=True, dossier__isnull=True)
    duplicate_rows = defaultdict(list)
    for award_id, *row in live.values_list("award_id", "pk", "nominee_email", "nominee_name", "nominee_organisation"):
        duplicate_rows[award_id].append(row)
    figures = []
    for award in awards:
        row = counts.get(award.pk, {})
        figures.append(
            AwardFigures(
                award=award,
                submitted=row.get("submitted", 0),
                drafts=row.get("drafts", 0),
                consent_pending=row.get("consent_pending", 0),
                not_eligible=row.get("not_eligible", 0),
                withdrawn=row.get("withdrawn", 0),
                to_screen=row.get("to_screen", 0),
                screened_eligible=row.get("screened_eligible", 0),
                duplicates=_duplicates(duplicate_rows.get(award.pk, [])),
                closes_at=award.closes_at,
                days_left=days_until(award.closes_at, now, zone),
            )
        )
    return Overview(
        programme=programme,
        now=now,
        awards=figures,
        stages=_stages(programme, now),
        per_day=_per_day(programme, nominations, now),
        spreads=_spreads(programme, awards),
        days_left=days_until(programme.nominations_close, now, zone),
    )


def _per_day(programme: Programme, nominations, now: dt.datetime) -> Chart:
    """Nominations submitted on each day from the opening day to today (or the closing day)."""
    zone = programme.zone
    per_day = dict(
        nominations.filter(submitted_at__isnull=False, submitted_at__lte=now)
        .annotate(day=TruncDate("submitted_at", tzinfo=zone))
        .values_list("day")
        .annotate(count=Count("pk"))
        .values_list("day", "count")
    )
    first = programme.nominations_open.astimezone(zone).date()
    last = min(now, programme.nominations_close).astimezone(zone).date()
    if per_day:
        first, last = min(first, *per_day), max(last, *per_day)
    days = [first + dt.timedelta(days=n) for n in range(max((last - first).days + 1, 0))]
    return layout([(day.isoformat(), per_day.get(day, 0)) for day in days[-CHART_DAYS:]])


def _stages(programme: Programme, now: dt.datetime) -> list[StageFigures]:
    rows = []
    stages = Stage.objects.filter(award__programme=programme, award__active=True).select_related("award")
    for stage in stages.order_by("award__position", "award_id", "position", "id"):
        progress = judge_progress(stage).values()
        rows.append(
            StageFigures(
                stage=stage,
                entries=judgeable(stage.entries.all()).count(),
                judges=len(progress),
                assigned=sum(p.assigned for p in progress),
                submitted=sum(p.submitted for p in progress),
                behind=sum(1 for p in progress if p.remaining),
                days_left=days_until(stage.closes_at, now, programme.zone),
            )
        )
    return rows


def _spreads(programme: Programme, awards: list[Award]) -> list[SpreadFigures]:
    """For each reportable question (region, care setting): submitted nominations per answer."""
    questions = list(
        Question.objects.filter(award__in=awards, reportable=True, active=True)
        .select_related("award")
        .order_by("award__position", "award_id", "position", "id")
    )
    if not questions:
        return []
    tallies: dict[int, Counter] = defaultdict(Counter)
    answers = Answer.objects.filter(question__in=questions, nomination__status=Nomination.Status.SUBMITTED)
    for question_id, value in answers.values_list("question_id", "value"):
        for item in value if isinstance(value, list) else [value]:
            if item not in (None, ""):
                tallies[question_id][str(item)] += 1
    spreads = []
    for question in questions:
        tally = tallies.get(question.pk, Counter())
        order = [str(choice) for choice in question.choices] if question.choices else sorted(tally)
        order += sorted(set(tally) - set(order))
        chart = hlayout([(display_value(question, value), tally[value]) for value in order])
        spreads.append(SpreadFigures(award=question.award, question=question, chart=chart))
    return spreads
