"""The shortlist pack: a PDF the chair takes to the panel meeting.

A cover (programme, award, stage, date, which score ordered it), the ranking table of the
entries it covers (the chair's selection, with how many it leaves out; every entry while there is
no selection), then for each entry its answers by section, each judge's score per criterion with the mean and the
comments, and the decision with its reasons. Headings become the PDF's outline; pages are
numbered; the PDF is tagged (PDF/UA-1) and fetches nothing but the site's own static files.
The blind variant leaves out names, organisations and identifying answers.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from judging import scoring
from judging.entries import judgeable, nominations_of
from judging.models import Entry, Scorecard, ShortlistPack
from judging.presentation import statements_for_entries
from judging.scorecards import counted, lines
from plaudit.pdf import html_to_pdf

from .exports import export
from .ranking import SELECTED, StageResults, spread, stage_results

logger = logging.getLogger(__name__)


def chosen_rows(results: StageResults):
    """The entries the pack covers in full: the selection if the chair has made one, else every ranked entry."""
    selected = [row for row in results.rows if row.decision and row.decision.outcome in SELECTED]
    return (selected, True) if selected else (list(results.rows), False)


def shortlist_html(results: StageResults, now=None) -> str:
    stage = results.stage
    rows, is_selection = chosen_rows(results)
    entries = [row.entry for row in rows]
    statements = statements_for_entries(entries, stage, blind=results.blind)
    cards = (
        counted(Scorecard.objects.filter(entry_id__in=[entry.pk for entry in entries]), stage=stage)
        .prefetch_related("scores")
        .order_by("judge_id")
    )
    by_entry: dict[int, list] = {}
    for card in cards:
        by_entry.setdefault(card.entry_id, []).append(card)
    criteria = results.criteria
    details = []
    for row in rows:
        judges = by_entry.get(row.entry.pk, [])
        names = [results.judge(card.judge_id)[0] for card in judges]
        card_lines = [lines(card, criteria) for card in judges]
        table = []
        for index, criterion in enumerate(criteria):
            column = [(name, card[index]) for name, card in zip(names, card_lines, strict=True)]
            values = [
                "–" if line.score is None else "N/A" if line.not_applicable else str(line.value) for _, line in column
            ]
            comments = [(name, line.comment.strip()) for name, line in column if line.comment.strip()]
            mean = scoring.mean(line.value for _, line in column if line.value is not None)
            table.append(
                {
                    "criterion": criterion,
                    "values": values,
                    "mean": "–" if mean is None else f"{mean:.2f}",
                    "comments": comments,
                }
            )
        overall = [
            (name, card.overall_comment.strip())
            for name, card in zip(names, judges, strict=True)
            if card.overall_comment.strip()
        ]
        details.append(
            {"row": row, "statements": statements[row.entry.pk], "judges": names, "table": table, "overall": overall}
        )
    zone = stage.award.programme.zone
    context = {
        "results": results,
        "stage": stage,
        "award": stage.award,
        "programme": stage.award.programme,
        "details": details,
        "is_selection": is_selection,
        # The ranking table lists what the pack covers: with a selection, the selected entries
        # (a pack of 50 from 20,000 is not 400 pages of table), and says how many it leaves out.
        "left_out": len(results.rows) - len(rows),
        "now": (now or timezone.now()).astimezone(zone),
        "ordered_by": "normalised score" if results.order_by == "normalised" else "raw score",
        "spread": spread(results),
    }
    return render_to_string("judging/shortlist_pdf.html", context)


def shortlist_pdf(results: StageResults, now=None) -> bytes:
    return html_to_pdf(shortlist_html(results, now))


def pack_build(pack_id: int) -> None:
    """Build one queued pack, recording progress; any failure marks it failed with the reason."""
    pack = ShortlistPack.objects.select_related("stage__award__programme", "requested_by").get(pk=pack_id)
    if pack.status == ShortlistPack.Status.DONE:
        return
    ShortlistPack.objects.filter(pk=pack.pk).update(
        status=ShortlistPack.Status.RUNNING, progress=5, heartbeat_at=timezone.now()
    )
    try:
        results = stage_results(
            pack.stage, pack.requested_by, order_by="normalised" if pack.normalised else "raw", blind=pack.blind
        )
        if pack.export:
            return _export_build(pack, results)
        html = shortlist_html(results)
        # What the pack shows, so that it is handed only to someone who may see all of it (access.pack_for).
        ShortlistPack.objects.filter(pk=pack.pk).update(
            progress=40,
            entries=len(chosen_rows(results)[0]),
            entry_ids=[row.entry.pk for row in results.rows],
            nomination_ids=_held(results),
            heartbeat_at=timezone.now(),
        )
        pdf = html_to_pdf(html)
    except Exception as error:
        ShortlistPack.objects.filter(pk=pack.pk).update(
            status=ShortlistPack.Status.FAILED,
            error=f"{type(error).__name__}: {error}"[:300],
            finished_at=timezone.now(),
        )
        logger.exception("Shortlist pack %s failed", pack.pk)
        return
    # Stored before the pack says it is ready, so that a ready pack always has its file.
    pack.pdf.save(f"shortlist-{pack.pk}.pdf", ContentFile(pdf), save=False)
    ShortlistPack.objects.filter(pk=pack.pk).update(
        status=ShortlistPack.Status.DONE, progress=100, pdf=pack.pdf.name, finished_at=timezone.now()
    )


def _held(results: StageResults) -> list[int]:
    """The nominations whose details a pack of these results holds: each entry's as shown now."""
    shown = nominations_of([row.entry for row in results.rows])
    return sorted({nomination.pk for held in shown.values() for nomination in held})


def packs_withdraw_changed(stage) -> int:
    """Withdraw the stage's ready packs whose entries no longer hold what they held when built
    (an entry no longer judged; a nomination withdrawn, declined, removed or taken out of its
    dossier): a document is served under today's rules, not the day it was made. The office or a
    chair builds it again. Returns how many were withdrawn."""
    packs = list(ShortlistPack.objects.filter(stage=stage, status=ShortlistPack.Status.DONE, entry_ids__isnull=False))
    if not packs:
        return 0
    wanted = {pk for pack in packs for pk in pack.entry_ids}
    judged = list(judgeable(Entry.objects.filter(stage=stage, pk__in=wanted)))
    shown = {nomination.pk for held in nominations_of(judged).values() for nomination in held}
    entries = {entry.pk for entry in judged}
    changed = [
        pack.pk for pack in packs if not set(pack.entry_ids) <= entries or not set(pack.nomination_ids or ()) <= shown
    ]
    return ShortlistPack.objects.filter(pk__in=changed, status=ShortlistPack.Status.DONE).update(
        status=ShortlistPack.Status.WITHDRAWN,
        error="What it held has changed since it was built.",
        finished_at=timezone.now(),
    )


def _export_build(pack: ShortlistPack, results: StageResults) -> None:
    """A large export, built as a pack is: its entries recorded first (for the checks on who may
    download it), then the file, stored privately, then done."""
    what, fmt = pack.export_kind
    ShortlistPack.objects.filter(pk=pack.pk).update(
        progress=20,
        entries=len(results.rows),
        entry_ids=[row.entry.pk for row in results.rows],
        nomination_ids=_held(results),
        heartbeat_at=timezone.now(),
    )
    content, _content_type, extension = export(results, what, fmt)
    pack.pdf.save(f"export-{pack.pk}.{extension}", ContentFile(content), save=False)
    ShortlistPack.objects.filter(pk=pack.pk).update(
        status=ShortlistPack.Status.DONE, progress=100, pdf=pack.pdf.name, finished_at=timezone.now()
    )


# A pack's builder moves its heartbeat on at each step; the longest step (WeasyPrint writing
# the PDF) takes about a minute for a 600-page pack. Far longer means the worker died.
STALE_AFTER = dt.timedelta(seconds=getattr(settings, "PLAUDIT_PACK_STALE_SECONDS", 15 * 60))


def packs_fail_stale(stage, now=None) -> int:
    """Mark as failed the packs of a stage whose worker has gone (killed, restarted, never came):
    queued or running with no sign of life for STALE_AFTER. The chair can then ask again."""
    now = now or timezone.now()
    cutoff = now - STALE_AFTER
    stale = ShortlistPack.objects.filter(
        stage=stage, status__in=[ShortlistPack.Status.QUEUED, ShortlistPack.Status.RUNNING]
    ).filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff))
    return stale.update(
        status=ShortlistPack.Status.FAILED,
        error="The pack stopped being built (the background worker stopped). Ask for it again.",
        finished_at=now,
    )
