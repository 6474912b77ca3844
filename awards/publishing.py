"""Draft, published, closed: the office publishes a programme (or one more award) when it is ready.

`preflight` lists what blocks publication and what only warns. The checks about the form itself
live here; apps above awards add theirs (judging: stages, panels, outcome emails) with `@check`,
registered when the app loads, so this module never imports them. The writes (`publish`,
`close`, `return_to_draft`) run the same check, change the status in a transaction and are audited.
"""

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Iterator

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit import log
from plaudit.models import SitePage

from . import rules
from .models import Award, Programme, Status

BLOCK = "block"
WARN = "warn"


@dataclasses.dataclass(frozen=True)
class Finding:
    """One thing the pre-flight check found: blocking or a warning, about the programme or one award."""

    level: str
    message: str
    award: Award | None = None
    fix_url: str = ""

    @property
    def blocks(self) -> bool:
        return self.level == BLOCK


@dataclasses.dataclass
class Preflight:
    findings: list[Finding]

    @property
    def blocks(self) -> list[Finding]:
        return [f for f in self.findings if f.blocks]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.blocks]

    @property
    def ready(self) -> bool:
        return not self.blocks


class PublishBlocked(Exception):
    def __init__(self, preflight: Preflight):
        self.preflight = preflight
        super().__init__("; ".join(f.message for f in preflight.blocks))


class StatusRefused(Exception):
    """A change of status that cannot be made (the message says why)."""


Check = Callable[[Programme, list[Award], dt.datetime], Iterable[Finding]]
_checks: list[Check] = []


def check(fn: Check) -> Check:
    """Register a pre-flight check: fn(programme, awards being published, when) yields Findings."""
    if fn not in _checks:
        _checks.append(fn)
    return fn


def _award_url(award: Award) -> str:
    """Where an award's form is fixed: its builder."""
    return reverse("admin:awards_award_build", args=[award.pk])


def _programme_url(programme: Programme) -> str:
    return reverse("admin:awards_programme_change", args=[programme.pk])


@check
def _programme_checks(programme: Programme, awards: list[Award], when: dt.datetime) -> Iterator[Finding]:
    url = _programme_url(programme)
    if not awards:
        yield Finding(BLOCK, "Choose at least one award to publish.", fix_url=url)
    window = rules.window_problem(programme.nominations_open, programme.nominations_close)
    if window:
        yield Finding(BLOCK, f"The programme's nominations close {window}.", fix_url=url)
    elif programme.nominations_close <= when:
        yield Finding(
            BLOCK,
            "The programme's nominations window has already ended: nobody could nominate. Set new dates.",
            fix_url=url,
        )
    elif programme.nominations_close - max(when, programme.nominations_open) < dt.timedelta(days=7):
        yield Finding(WARN, "Nominations will be open for less than a week.", fix_url=url)
    if not SitePage.objects.filter(page=SitePage.Page.PRIVACY).exists():
        yield Finding(
            WARN,
            "No privacy notice written by the office yet: nominators will read Plaudit's general wording.",
            fix_url=reverse("admin:plaudit_sitepage_changelist"),
        )


@check
def _form_checks(programme: Programme, awards: list[Award], when: dt.datetime) -> Iterator[Finding]:
    for award in awards:
        url = _award_url(award)
        questions = [q for q in award.questions.all() if q.active]
        if not questions:
            yield Finding(BLOCK, "It asks no questions.", award, url)
        window = rules.window_problem(award.opens_at, award.closes_at)
        if window:
            yield Finding(BLOCK, f"Its own nominations window closes {window}.", award, url)
        elif award.closes_at <= when:
            yield Finding(BLOCK, "Its nominations window has already ended.", award, url)
        for section in award.sections.all():
            if not any(q.section_id == section.pk for q in questions):
                yield Finding(WARN, f"Section “{section}” has no questions.", award, url)
        earlier: dict[str, tuple] = {}
        for question in sorted(questions, key=lambda q: (q.section.position if q.section else 0, q.position, q.pk)):
            if question.section_id is None:
                yield Finding(BLOCK, f"Question “{question.key}” is in no section.", award, url)
            problem = rules.choices_problem(question.type, question.choices)
            if problem:
                yield Finding(BLOCK, f"Question “{question.key}”: {problem}.", award, url)
            if question.show_if_key:
                problem = rules.show_if_problem(question.show_if_key, question.show_if_value, earlier)
                if problem:
                    yield Finding(BLOCK, f"Question “{question.key}” is shown only if it {problem}.", award, url)
            earlier[question.key] = (question.type, question.choices)
        criteria = list(award.criteria.all())
        if not criteria:
            yield Finding(WARN, "It has no judging criteria: judges could only vote on it.", award, url)
        elif all(c.weight == 0 for c in criteria):
            yield Finding(BLOCK, "Every criterion weighs 0, so no entry could have a total.", award, url)
        keys = {q.key for q in questions}
        for criterion in criteria:
            if not criterion.levels:
                yield Finding(
                    BLOCK,
                    f"Criterion “{criterion.title}” has no levels: judges would not know what a score means.",
                    award,
                    reverse("admin:awards_award_criterion", args=[award.pk, criterion.pk]),
                )
            missing = [key for key in criterion.question_keys if key not in keys]
            if missing:
                yield Finding(
                    WARN,
                    f"Criterion “{criterion.title}” shows answers to {', '.join(missing)}, which it does not ask.",
                    award,
                    url,
                )


def _with_form(awards: Iterable[Award]) -> list[Award]:
    ids = [a.pk for a in awards]
    return list(
        Award.objects.filter(pk__in=ids)
        .select_related("programme")
        .prefetch_related("sections", "questions__section", "criteria")
        .order_by("position", "id")
    )


def drafts(programme: Programme) -> list[Award]:
    """The programme's awards that could be published: active drafts."""
    return list(programme.awards.filter(active=True, status=Status.DRAFT).order_by("position", "id"))


def preflight(programme: Programme, awards: Iterable[Award], *, when: dt.datetime | None = None) -> Preflight:
    """What blocks publishing these awards of this programme at `when` (default now), and what warns."""
    when = when or timezone.now()
    chosen = _with_form(awards)
    findings: list[Finding] = []
    for fn in _checks:
        findings.extend(fn(programme, chosen, when))
    # Blocks first, then the programme's findings before each award's, in the awards' order.
    order = {award.pk: i for i, award in enumerate(chosen)}
    findings.sort(key=lambda f: (not f.blocks, -1 if f.award is None else order.get(f.award.pk, 0)))
    return Preflight(findings)


@transaction.atomic
def publish(programme: Programme, awards: Iterable[Award], *, by, at: dt.datetime | None = None) -> Preflight:
    """Publish the chosen draft awards (and the programme, if it is a draft), at once or from `at`.

    Refused (PublishBlocked, nothing written) if the pre-flight check finds anything blocking at
    the moment of publication. A scheduled programme is public from `at`; awards published into a
    programme that is already public are public at once.
    """
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.status == Status.CLOSED:
        raise StatusRefused("The programme is closed. Reopen it before publishing more awards.")
    chosen = [a for a in _with_form(awards) if a.programme_id == programme.pk and a.active]
    when = at or timezone.now()
    result = preflight(programme, chosen, when=when)
    if not result.ready:
        raise PublishBlocked(result)
    Award.objects.filter(pk__in=[a.pk for a in chosen]).update(status=Status.PUBLISHED)
    titles = ", ".join(a.title for a in chosen)
    if programme.status == Status.DRAFT:
        programme.status = Status.PUBLISHED
        programme.publish_at = at if at and at > timezone.now() else None
        programme.save(update_fields=["status", "publish_at", "updated_at"])
        moment = f"from {timezone.localtime(at, programme.zone):%d %B %Y %H:%M}" if programme.publish_at else "now"
        summary = f"{programme.name} published {moment}, with {titles}"
    else:
        summary = f"{titles} published in {programme.name}"
    log.record(
        log.Action.CONFIGURATION,
        summary,
        actor=by,
        subject=f"programme:{programme.pk}",
        data={"awards": [a.pk for a in chosen], "warnings": [f.message for f in result.warnings]},
    )
    return result


def _move(programme: Programme, *, from_status: str, to_status: str, refused: str, done: str, by) -> None:
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.status != from_status:
        raise StatusRefused(refused)
    programme.status = to_status
    programme.save(update_fields=["status", "updated_at"])
    log.record(log.Action.CONFIGURATION, f"{programme.name} {done}", actor=by, subject=f"programme:{programme.pk}")


@transaction.atomic
def close(programme: Programme, *, by) -> None:
    """Close a published programme: it stays on the public site, and takes no more nominations or changes."""
    _move(
        programme,
        from_status=Status.PUBLISHED,
        to_status=Status.CLOSED,
        refused="Only a published programme can be closed.",
        done="closed",
        by=by,
    )


@transaction.atomic
def reopen(programme: Programme, *, by) -> None:
    """Reopen a closed programme: nominations follow its window again."""
    _move(
        programme,
        from_status=Status.CLOSED,
        to_status=Status.PUBLISHED,
        refused="Only a closed programme can be reopened.",
        done="reopened",
        by=by,
    )


@transaction.atomic
def return_to_draft(programme: Programme, *, by) -> None:
    """Take a published programme off the public site, while nobody has started a nomination in it
    (after that, close it instead: people were promised their links work)."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.status == Status.DRAFT:
        raise StatusRefused("The programme is already a draft.")
    if programme.awards.filter(reference_counter__gt=0).exists():
        raise StatusRefused(
            "Nominations have been started in this programme, so it cannot go back to draft. Close it instead."
        )
    programme.status = Status.DRAFT
    programme.publish_at = None
    programme.save(update_fields=["status", "publish_at", "updated_at"])
    programme.awards.update(status=Status.DRAFT)
    log.record(
        log.Action.CONFIGURATION, f"{programme.name} returned to draft", actor=by, subject=f"programme:{programme.pk}"
    )
