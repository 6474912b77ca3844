"""Screening: the awards office marks submitted nominations eligible or not eligible, in bulk,
before judging. A programme that screens (`Programme.screening`) sends a nomination to judging
only once it is marked eligible (`Nomination.judgeable_q`); any programme may use it to rule
nominations out with one of its reasons (`Programme.reasons`)."""

import dataclasses

from django.db import transaction

from audit import log as audit

from .models import Nomination


class ScreeningRefused(Exception):
    """The screening cannot be done as asked; the message says why, and nothing was changed."""


@dataclasses.dataclass
class Screened:
    marked: int
    skipped: int  # drafts and withdrawn nominations, which are not screened


def screen(*, nominations, eligible: bool, reason: str = "", by=None, now) -> Screened:
    """Mark the nominations eligible, or not eligible with one of their programme's reasons.

    Drafts and withdrawn nominations are skipped (and counted). Marking not eligible needs a
    reason from the programme's list, and nominations of one programme (the list is its own).
    Every nomination marked is audited; all or nothing.
    """
    ids = [n.pk for n in nominations]
    with transaction.atomic():
        locked = list(
            Nomination.objects.select_for_update(of=("self",))
            .filter(pk__in=ids)
            .select_related("award__programme")
            .order_by("pk")
        )
        # Submitted nominations, and ones already ruled out (to reinstate them or change the
        # reason); never drafts, never withdrawn ones (Nomination.screenable).
        screenable = [n for n in locked if n.screenable]
        if not eligible:
            reason = (reason or "").strip()
            programmes = {n.award.programme for n in screenable}
            if len(programmes) > 1:
                raise ScreeningRefused("Choose nominations of one programme: each programme has its own reasons.")
            offered = programmes.pop().reasons if programmes else []
            if screenable and reason not in offered:
                raise ScreeningRefused("Choose one of the programme's reasons.")
        for nomination in screenable:
            if eligible:
                Nomination.objects.filter(pk=nomination.pk).update(
                    status=Nomination.Status.SUBMITTED, ineligible_reason="", screened_at=now
                )
                summary = f"{nomination.reference} screened: eligible"
            else:
                Nomination.objects.filter(pk=nomination.pk).update(
                    status=Nomination.Status.INELIGIBLE, ineligible_reason=reason, screened_at=now
                )
                summary = f"{nomination.reference} screened: not eligible ({reason})"
            audit.record(audit.Action.DECISION, summary, actor=by, subject=f"nomination:{nomination.pk}")
    return Screened(marked=len(screenable), skipped=len(ids) - len(screenable))
