"""Carry a programme to next year: its set-up, never its people's data.

`copy_programme` copies the programme (retention included), its active awards, their sections,
questions and criteria, as a new draft, with every date moved on by whole years in the
programme's time zone (9:00 stays 9:00 across the clock change). Apps above awards copy what
they own of each award (judging: stages, groups and their shares, outcome emails, panels when
asked) through `@copier`, so this module never imports them. Nominations, answers, scores and
anything a person wrote are never copied.
"""

import calendar
import dataclasses
import datetime as dt
import re
import zoneinfo
from collections.abc import Callable

from django.db import models, transaction

from audit import log

from . import rules
from .models import Award, Criterion, Programme, Question

MAX_SHIFT_YEARS = 10


class CopyRefused(Exception):
    """The copy cannot be made; the message says why, and nothing was written."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


@dataclasses.dataclass(frozen=True)
class CopyOptions:
    shift_years: int
    with_panels: bool
    zone: zoneinfo.ZoneInfo

    def shift(self, value: dt.datetime | None) -> dt.datetime | None:
        return shift_years(value, self.shift_years, self.zone)


Copier = Callable[[Award, Award, CopyOptions], None]
_copiers: list[Copier] = []


def copier(fn: Copier) -> Copier:
    """Register what an app copies of each award: fn(old award, new award, options)."""
    if fn not in _copiers:
        _copiers.append(fn)
    return fn


def shift_years(value: dt.datetime | None, years: int, zone: zoneinfo.ZoneInfo) -> dt.datetime | None:
    """The same local date and time `years` later (29 February becomes 28 February)."""
    if value is None or not years:
        return value
    local = value.astimezone(zone)
    year = local.year + years
    day = local.day
    if local.month == 2 and day == 29 and not calendar.isleap(year):
        day = 28
    naive = local.replace(tzinfo=None).replace(year=year, day=day)
    return naive.replace(tzinfo=zone)


def next_name(name: str, years: int) -> str:
    """'Leadership Awards 2026' becomes 'Leadership Awards 2027'; a name without a year gets '(copy)'."""
    if years and re.search(r"\b(19|20)\d\d\b", name):
        return re.sub(r"\b((?:19|20)\d\d)\b", lambda m: str(int(m.group(1)) + years), name)
    return f"{name} (copy)"


def next_slug(slug: str, years: int) -> str:
    """The suggested slug of next year's copy: its year moved on, or '-copy' added."""
    if years and re.search(r"(?:^|-)(19|20)\d\d(?:-|$)", slug):
        return re.sub(r"(?<![0-9])((?:19|20)\d\d)(?![0-9])", lambda m: str(int(m.group(1)) + years), slug)
    return f"{slug}-copy"[:100]


def clone(instance: models.Model, *, exclude=(), **changes) -> models.Model:
    """A new, unsaved object with the same field values, less the primary key and `exclude` (left
    to their defaults: a new programme or award is a draft), with `changes` by attribute name."""
    values = {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if not field.primary_key and field.name not in exclude
    }
    values.update(changes)
    return type(instance)(**values)


def copy_problem(*, slug: str, name: str, years) -> tuple[str, str] | None:
    """Why a copy with these settings cannot be made, as (field, message), or None."""
    problem = rules.slug_problem(slug)
    if problem:
        return "slug", f"The slug {problem}."
    if Programme.objects.filter(slug=slug).exists():
        return "slug", f"A programme with the slug “{slug}” already exists. Choose another."
    if not name or not name.strip():
        return "name", "Enter a name for the new programme."
    if not isinstance(years, int) or not 0 <= years <= MAX_SHIFT_YEARS:
        return "shift_years", f"Move the dates on by a whole number of years from 0 to {MAX_SHIFT_YEARS}."
    return None


@transaction.atomic
def copy_programme(
    source: Programme, *, slug: str, name: str | None = None, years: int = 1, with_panels: bool = False, by=None
) -> Programme:
    """Copy `source` as a new draft programme called `slug` (see the module's docstring).

    Raises CopyRefused, writing nothing, if the slug is invalid or taken, or the shift is out of range.
    """
    name = (name if name is not None else next_name(source.name, years)).strip()
    problem = copy_problem(slug=slug, name=name, years=years)
    if problem:
        raise CopyRefused(problem[1], problem[0])
    options = CopyOptions(shift_years=years, with_panels=with_panels, zone=source.zone)
    programme = clone(
        source,
        exclude=("status", "publish_at", "anonymised_at", "created_at", "updated_at"),
        slug=slug,
        name=name,
        nominations_open=options.shift(source.nominations_open),
        nominations_close=options.shift(source.nominations_close),
    )
    programme.save()
    awards = source.awards.filter(active=True).order_by("position", "id")
    for old in awards:
        award = clone(
            old,
            exclude=("status", "reference_counter", "revision"),
            programme_id=programme.pk,
            nominations_open=options.shift(old.nominations_open),
            nominations_close=options.shift(old.nominations_close),
        )
        award.save()
        sections = {}
        for section in old.sections.order_by("position", "id"):
            sections[section.pk] = clone(section, award_id=award.pk)
            sections[section.pk].save()
        Question.objects.bulk_create(
            clone(question, award_id=award.pk, section_id=sections[question.section_id].pk)
            for question in old.questions.filter(active=True, section__isnull=False).order_by("position", "id")
        )
        Criterion.objects.bulk_create(clone(criterion, award_id=award.pk) for criterion in old.criteria.all())
        for fn in _copiers:
            fn(old, award, options)
    log.record(
        log.Action.CONFIGURATION,
        f"{programme.name} copied from {source.name}, dates moved on {years} year(s)"
        + (", with its panels" if with_panels else ""),
        actor=by,
        subject=f"programme:{programme.pk}",
        data={"from": source.pk, "years": years, "with_panels": with_panels},
    )
    return programme
