"""Results for chairs and admins: the ranking and its explanation, decisions, spread, exports,
the shortlist pack and outcome emails. Every page finds the stage through
judging.access.chaired_stage_or_404 and the entries through results.ranking (404 otherwise)."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit import log as audit
from awards.access import managed_programmes, manages, office_programmes
from judging import access, scoring
from judging.entries import nominations_of
from judging.models import Audience, Decision, OutcomeEmail, ShortlistPack
from plaudit.ids import ID_MAX, posted_id
from plaudit.storage import private_download

from . import decisions, exports
from . import messages as office_messages
from . import overview as office_overview
from . import ranking as standings
from .forms import DecisionForm, MessageForm, OutcomeTemplateForm
from .models import OfficeMessage
from .shortlist import packs_fail_stale, packs_withdraw_changed
from .tasks import build_shortlist_pack, send_office_message

SORTS = {
    "rank": lambda row, order: (row.result.normalised_rank if order == "normalised" else row.result.rank) or 10**9,
    "reference": lambda row, order: row.entry.reference,
    "score": lambda row, order: -((row.result.normalised_score if order == "normalised" else row.result.score) or -1),
    "median": lambda row, order: -(row.result.median or -1),
    "sd": lambda row, order: -(row.result.sd or -1),
    "scorecards": lambda row, order: -row.result.n,
}


RANKING_PAGE_SIZE = 100


def _order(request, data=None) -> str:
    """Raw or normalised, as asked in the query string (or in `data`, a post)."""
    return "normalised" if (request.GET if data is None else data).get("order") == "normalised" else "raw"


@login_required
def ranking(request: HttpRequest, stage_id: int) -> HttpResponse:
    """The ranked table with its figures, flags and decisions; leniency, agreement and spread beneath."""
    stage = access.chaired_stage_or_404(request.user, stage_id, write=access.writes(request))
    order = _order(request)
    by_criterion = request.GET.get("agreement") == "criteria"
    blindness = access.blindness(request.user, stage)
    sees_identities = blindness is False
    stage_results = standings.stage_results(
        stage,
        request.user,
        order_by=order,
        blind=blindness,
        criterion_agreement=by_criterion,
        # Decisions are made on the rows as they are now, read afresh.
        cached=request.method != "POST",
    )
    form = DecisionForm(request.POST or None, entries=[row.entry for row in stage_results.rows])
    if request.method == "POST":
        response = _decide(request, stage, stage_results, form)
        if response:
            return response
    rows = list(stage_results.rows)
    sort = request.GET.get("sort", "rank")
    if sort in SORTS:
        rows.sort(key=lambda row: SORTS[sort](row, order))
    # Every figure is over the whole stage; the table shows a page of it (a stage of thousands
    # of entries took seconds to render as one table).
    page = Paginator(rows, RANKING_PAGE_SIZE).get_page(request.GET.get("page"))
    leniency, panel_mean, panel_sd = stage_results.leniency()
    context = {
        "stage": stage,
        "results": stage_results,
        "rows": page.object_list,
        "page": page,
        "order": order,
        "sort": sort,
        "form": form,
        "leniency": leniency,
        "panel_mean": panel_mean,
        "panel_sd": panel_sd,
        "spread": standings.spread(stage_results),
        "pending": sum(1 for row in rows if row.decision and row.decision.status == Decision.Status.PENDING),
        "incomplete": stage_results.unranked,
        "included": sum(1 for row in rows if row.result.included),
        "next_stage": decisions.next_stage(stage),
        "voting": stage_results.voting_points is not None,
        "by_criterion": by_criterion,
        "criterion_alpha": [
            (c, agreement.alpha if agreement and agreement.enough else None, scoring.agreement_words(agreement))
            for c in stage_results.criteria
            for agreement in [
                stage_results.computed.agreement_by_criterion.get(c.key) if stage_results.computed else None
            ]
        ],
        # Ticks stay after an action (kept in the session across its redirect) or a refused one.
        "ticked": {pk for pk in (posted_id(v, maximum=ID_MAX) for v in request.POST.getlist("entries")) if pk}
        or set(request.session.pop(_ticked_key(stage), [])),
        "opens_early": stage.opens_before_nominations_close() and stage.award.is_open(timezone.now()),
        "sees_identities": sees_identities,
        **standings.left_judging(stage, request.user),
    }
    return render(request, "judging/results/ranking.html", context)


def _blind_for(user, stage, asked: bool = False):
    """Blind for every entry when asked; otherwise for the entries whose names this person may not
    see in this stage (judging.access.blindness)."""
    return True if asked else access.blindness(user, stage)


def _decide(request, stage, stage_results, form):
    if not form.is_valid():
        return None
    chosen = standings.entries_for_writing(stage_results, form.cleaned_data["entries"])
    now = timezone.now()
    action = form.cleaned_data["action"]
    try:
        if action == "include":
            incomplete = {row.entry.pk for row in stage_results.rows if row.result.n and not row.result.complete}
            count = decisions.entries_rank_as_they_are(
                stage=stage, entries=chosen, incomplete=incomplete, by=request.user, now=now
            )
            messages.info(
                request,
                f"{count} incomplete {'entry' if count == 1 else 'entries'} ranked as {'it is' if count == 1 else 'they are'}.",
            )
        elif action == "wait":
            count = decisions.entries_wait_for_scorecards(stage=stage, entries=chosen, by=request.user)
            messages.info(request, f"{count} {'entry' if count == 1 else 'entries'} unranked until complete.")
        elif action == "clear":
            count = decisions.decisions_clear(entries=chosen, by=request.user, now=now)
            messages.info(request, f"Cleared {count} pending {'decision' if count == 1 else 'decisions'}.")
        elif action == "apply":
            applied, promoted = decisions.decisions_apply(stage=stage, entries=chosen, by=request.user, now=now)
            extra = f"; {promoted} promoted into the next stage" if promoted else ""
            messages.info(request, f"Applied {applied} {'decision' if applied == 1 else 'decisions'}{extra}.")
        else:
            count = decisions.decisions_record(
                stage=stage,
                entries=chosen,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"].strip(),
                by=request.user,
                now=now,
            )
            label = Decision.Outcome(form.cleaned_data["outcome"]).label.lower()
            messages.info(request, f"{count} {'entry' if count == 1 else 'entries'} marked {label} (pending).")
    except (decisions.DecisionRefused, decisions.RankingRefused) as error:
        form.add_error(None, str(error))
        return None
    # Back to the same view of the ranking (its order, sort and page), with the same ticks.
    request.session[_ticked_key(stage)] = sorted(form.cleaned_data["entries"])
    return redirect(request.get_full_path())


def _ticked_key(stage) -> str:
    return f"ranking-ticked-{stage.pk}"


@login_required
def apply_pending(request: HttpRequest, stage_id: int) -> HttpResponse:
    """Apply every pending decision the chair may see, once they have confirmed how many: the
    count they confirmed must still be the count, or they are shown the list again."""
    stage = access.chaired_stage_or_404(request.user, stage_id, write=access.writes(request))
    pending = list(
        Decision.objects.filter(entry__in=access.entries_for_chair(request.user, stage), status=Decision.Status.PENDING)
        .select_related("entry__nomination", "entry__stage__award")
        .order_by("outcome", "entry_id")
    )
    problem = ""
    if request.method == "POST":
        if not pending:
            problem = "There are no pending decisions to apply."
        elif request.POST.get("count") != str(len(pending)):
            problem = (
                f"The pending decisions changed while you were looking: there are now {len(pending)}. "
                "Check them and confirm again."
            )
        else:
            try:
                applied, promoted = decisions.decisions_apply(
                    stage=stage, entries=[d.entry for d in pending], by=request.user, now=timezone.now()
                )
            except decisions.DecisionRefused as error:
                problem = str(error)
            else:
                extra = f"; {promoted} promoted into the next stage" if promoted else ""
                messages.info(request, f"Applied {applied} {'decision' if applied == 1 else 'decisions'}{extra}.")
                # Back to the ranking in the order the chair was reading it.
                return redirect(reverse("judging:ranking", args=[stage.pk]) + f"?order={_order(request)}")
    outcomes = Counter(decision.get_outcome_display() for decision in pending)
    context = {
        "stage": stage,
        "pending": pending,
        "outcomes": sorted(outcomes.items()),
        "next_stage": decisions.next_stage(stage),
        "problem": problem,
        "order": _order(request),
    }
    return render(request, "judging/results/apply_pending.html", context, status=400 if problem else 200)


@login_required
def explain(request: HttpRequest, stage_id: int, entry_id: int) -> HttpResponse:
    """How one entry's figures were reached, down to each judge's score per criterion."""
    stage = access.chaired_stage_or_404(request.user, stage_id, write=access.writes(request))
    order = _order(request)
    stage_results = standings.stage_results(stage, request.user, order_by=order, blind=_blind_for(request.user, stage))
    explanation = standings.explain(stage_results, entry_id)
    if explanation is None:
        raise Http404("No such entry")
    context = {
        "stage": stage,
        "results": stage_results,
        "x": explanation,
        "order": order,
        "may_approve_feedback": access.feedback_stages(request.user, write=True).filter(pk=stage.pk).exists(),
    }
    return render(request, "judging/results/explain.html", context)


@login_required
def export(request: HttpRequest, stage_id: int, what: str, fmt: str) -> HttpResponse:
    """The ranking, all scores or the spread of the selection, as CSV or XLSX, raw or normalised,
    blind if asked (or if the stage is). One too large to build inside a web request is built by
    the task worker instead: the page offers that (a post), then shows its progress, as a pack's."""
    # An export is a read: office viewers may make one too, posted or not.
    stage = access.chaired_stage_or_404(request.user, stage_id, write=False)
    if what not in exports.TABLES or fmt not in ("csv", "xlsx"):
        raise Http404("No such export")
    data = request.POST if request.method == "POST" else request.GET
    blind = _blind_for(request.user, stage, asked=data.get("blind") == "1")
    order = _order(request, data)
    if request.method == "POST":
        prepared = ShortlistPack.objects.create(
            stage=stage,
            requested_by=request.user,
            export=f"{what}.{fmt}",
            blind=bool(blind),  # built later, as one: blind for every entry if for any
            normalised=order == "normalised",
        )
        build_shortlist_pack.enqueue(prepared.pk)
        return redirect("judging:shortlist", stage.pk, prepared.pk)
    stage_results = standings.stage_results(stage, request.user, order_by=order, blind=blind)
    if exports.too_large_for_a_request(stage_results, what):
        context = {
            "stage": stage,
            "label": exports.export_label(what, fmt),
            "what": what,
            "fmt": fmt,
            "order": order,
            "blind": blind,
            "entries": len(stage_results.rows),
        }
        return render(request, "judging/results/export_large.html", context)
    content, content_type, extension = exports.export(stage_results, what, fmt)
    audit.record(
        audit.Action.EXPORT,
        f"{stage}: {what} exported as {fmt} ({stage_results.order_by}{', blind' if stage_results.blind else ''})",
        actor=request.user,
        subject=f"stage:{stage.pk}",
    )
    response = HttpResponse(content, content_type=content_type)
    suffix = "-blind" if stage_results.blind else ""
    name = f"{stage.award.slug}-{stage.pk}-{what}-{stage_results.order_by}{suffix}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def shortlist_request(request: HttpRequest, stage_id: int) -> HttpResponse:
    """Queue a shortlist pack; the chair waits on its progress page."""
    stage = access.chaired_stage_or_404(
        request.user, stage_id, write=False
    )  # an export: office viewers may build one too
    pack = ShortlistPack.objects.create(
        stage=stage,
        requested_by=request.user,
        # Built later, as one: blind for every entry if for any.
        blind=bool(_blind_for(request.user, stage, asked=request.POST.get("blind") == "1")),
        normalised=request.POST.get("order") == "normalised",
    )
    build_shortlist_pack.enqueue(pack.pk)
    return redirect("judging:shortlist", stage.pk, pack.pk)


def _pack(request, stage, pack_id, *, done: bool = False) -> ShortlistPack:
    # Checked against the person asking now, not whoever asked for the pack: it must belong to a
    # stage they chair, show only entries they may see today, and names only if they may see names.
    pack = access.pack_for(request.user, stage, pack_id, done=done)
    if pack is None:
        raise Http404("No such pack")
    return pack


@login_required
def shortlist(request: HttpRequest, stage_id: int, pack_id: int) -> HttpResponse:
    """The pack's progress (JSON for the page's script), and its download link when ready."""
    stage = access.chaired_stage_or_404(request.user, stage_id, write=access.writes(request))
    packs_fail_stale(stage)
    packs_withdraw_changed(stage)
    pack = _pack(request, stage, pack_id)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "status": pack.status,
                "label": pack.get_status_display(),
                "progress": pack.progress,
                "download": reverse("judging:shortlist_download", args=[stage.pk, pack.pk])
                if pack.status == ShortlistPack.Status.DONE
                else None,
            }
        )
    what, fmt = pack.export_kind or ("", "")
    context = {
        "stage": stage,
        "pack": pack,
        "export_label": exports.export_label(what, fmt) if what else "",
        "export_what": what,
        "export_fmt": fmt,
    }
    return render(request, "judging/results/shortlist.html", context)


@login_required
def shortlist_download(request: HttpRequest, stage_id: int, pack_id: int) -> HttpResponse:
    stage = access.chaired_stage_or_404(request.user, stage_id, write=access.writes(request))
    packs_withdraw_changed(stage)
    pack = _pack(request, stage, pack_id, done=True)
    suffix = "-blind" if pack.blind or stage.blind else ""
    if pack.export_kind:
        what, fmt = pack.export_kind
        order = "normalised" if pack.normalised else "raw"
        name, content_type = f"{stage.award.slug}-{stage.pk}-{what}-{order}{suffix}.{fmt}", exports.CONTENT_TYPES[fmt]
        summary = (
            f"{stage}: {what} exported as {fmt} ({order}{', blind' if pack.blind else ''}), built in the background"
        )
    else:
        name, content_type = f"shortlist-{stage.award.slug}-{stage.pk}{suffix}.pdf", "application/pdf"
        summary = f"{stage}: shortlist pack {pack.pk} downloaded"
    # Streamed from the private storage (this host's disk or the bucket), never read whole.
    response = private_download(pack.pdf, name, content_type=content_type)
    audit.record(audit.Action.EXPORT, summary, actor=request.user, subject=f"stage:{stage.pk}")
    return response


@login_required
def outcomes(request: HttpRequest, stage_id: int) -> HttpResponse:
    """Outcome emails: edit the message for an outcome, preview it, send it to every nominator once."""
    stage = access.chaired_stage_or_404(request.user, stage_id, write=access.writes(request))
    visible = standings.visible_entries(stage, request.user)
    applied = _applied_by_outcome(visible)
    outcome = _outcome_asked(request, applied)
    audience = _audience_asked(request)
    template = decisions.outcome_template(stage, outcome, audience)
    form = OutcomeTemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        form.save()
        if "send" in request.POST:
            # Nothing goes before the chair has seen how many people will get what.
            return redirect(
                f"{reverse('judging:outcomes_send', args=[stage.pk])}?outcome={outcome}&audience={audience}"
            )
        messages.info(request, "The message is saved.")
        return redirect(f"{reverse('judging:outcomes', args=[stage.pk])}?outcome={outcome}&audience={audience}")
    sample = (
        visible.filter(decision__outcome=outcome).select_related("nomination", "dossier").first()
        or visible.select_related("nomination", "dossier").first()
    )
    preview = None
    if sample is not None:
        shown_nominations = nominations_of([sample])[sample.pk]
        nomination = shown_nominations[0] if shown_nominations else None
        if nomination is not None:
            shown = form.instance if form.is_bound and form.is_valid() else template
            # In a blind stage a chair previews the message with its placeholders named, not filled.
            preview = decisions.message_for(
                shown, sample, nomination, names=access.sees_identity(request.user, stage, sample)
            )
    log = OutcomeEmail.objects.filter(stage=stage, nomination__entries__in=visible).distinct()[:200]
    context = {
        "stage": stage,
        "form": form,
        "outcome": outcome,
        "outcome_label": Decision.Outcome(outcome).label,
        "audience": audience,
        "audiences": Audience.choices,
        "due": len(decisions.outcome_recipients(stage=stage, outcome=outcome, entries=visible, audience=audience).due),
        "applied": [(value, Decision.Outcome(value).label, applied[value]) for value in Decision.Outcome.values],
        "preview": preview,
        "placeholders": decisions.PLACEHOLDERS,
        "log": log,
        "sees_identities": access.sees_identities(request.user, stage),
    }
    return render(request, "judging/results/outcomes.html", context)


def _applied_by_outcome(visible) -> dict[str, int]:
    return {
        outcome: visible.filter(decision__outcome=outcome, decision__status=Decision.Status.APPLIED).count()
        for outcome in Decision.Outcome.values
    }


def _audience_asked(request) -> str:
    """Nominators unless nominees are asked for; anything else is a 404."""
    audience = request.GET.get("audience") or request.POST.get("audience") or Audience.NOMINATOR
    if audience not in Audience.values:
        raise Http404("No such audience")
    return audience


def _outcome_asked(request, applied: dict[str, int]) -> str:
    """The outcome a page is about: the one asked for (404 if there is no such outcome), else the
    first with applied decisions, else shortlisted."""
    outcome = (
        request.GET.get("outcome")
        or request.POST.get("outcome")
        or next((o for o, n in applied.items() if n), Decision.Outcome.SHORTLISTED)
    )
    if outcome not in Decision.Outcome.values:
        raise Http404("No such outcome")
    return outcome


@login_required
def outcomes_send(request: HttpRequest, stage_id: int) -> HttpResponse:
    """The confirmation before outcome emails go: how many nominators, of how many entries, get
    which message (previewed), and how many had it already. The count confirmed must still be
    the count, or the page is shown again."""
    stage = access.chaired_stage_or_404(request.user, stage_id, write=access.writes(request))
    visible = standings.visible_entries(stage, request.user)
    outcome = _outcome_asked(request, _applied_by_outcome(visible))
    audience = _audience_asked(request)
    recipients = decisions.outcome_recipients(stage=stage, outcome=outcome, entries=visible, audience=audience)
    template = decisions.outcome_template(stage, outcome, audience)
    problem = ""
    if request.method == "POST":
        if not recipients.due:
            problem = "There is no one left to send this message to."
        elif request.POST.get("count") != str(len(recipients.due)):
            problem = (
                f"Who gets this message changed while you were looking: it is now {len(recipients.due)} "
                f"{'person' if len(recipients.due) == 1 else 'people'}. Check and confirm again."
            )
        else:
            queued, skipped = decisions.outcome_emails_queue(
                stage=stage, outcome=outcome, entries=visible, by=request.user, now=timezone.now(), audience=audience
            )
            note = f" ({skipped} already sent earlier, not sent again)" if skipped else ""
            messages.info(request, f"{queued} {'email' if queued == 1 else 'emails'} queued{note}.")
            return redirect(f"{reverse('judging:outcomes', args=[stage.pk])}?outcome={outcome}&audience={audience}")
    preview = None
    if recipients.due:
        entry, nomination, _email = recipients.due[0]
        preview = decisions.message_for(
            template, entry, nomination, names=access.sees_identity(request.user, stage, entry)
        )
    context = {
        "stage": stage,
        "outcome": outcome,
        "outcome_label": Decision.Outcome(outcome).label,
        "audience": audience,
        "people": "nominee" if audience == Audience.NOMINEE else "nominator",
        "recipients": recipients,
        "template": template,
        "preview": preview,
        "problem": problem,
    }
    return render(request, "judging/results/outcomes_send.html", context, status=400 if problem else 200)


MODERATION_PAGE_SIZE = 25


@login_required
def moderation(request: HttpRequest, stage_id: int) -> HttpResponse:
    """The awards office moderates judges' comments for nominators, many entries at once: approve
    as written, approve as edited, reject, or leave for later. Entries by reference only; judges
    never named. By default only entries with comments not reviewed yet."""
    stage = (
        access.feedback_stages(request.user, write=access.writes(request))
        .select_related("award__programme")
        .filter(pk=stage_id)
        .first()
    )
    if stage is None:
        raise Http404("No such stage")
    todo = request.GET.get("show") != "all"
    entries = standings.visible_entries(stage, request.user).filter(decisions.has_comments_q(unreviewed=todo))
    page = Paginator(entries, MODERATION_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    comments = decisions.comments_to_moderate(shown)
    typed, problems = {}, {}
    if request.method == "POST":
        keys = [c.key for group in comments.values() for c in group]
        typed = {key: (request.POST.get(f"verdict-{key}", ""), request.POST.get(f"text-{key}", "")) for key in keys}
        try:
            counts = decisions.feedback_moderate(entries=shown, verdicts=typed, by=request.user)
        except decisions.ModerationProblems as error:
            problems = error.problems
        else:
            messages.info(
                request,
                f"Saved: {counts['approve']} approved, {counts['edit']} approved as edited, "
                f"{counts['reject']} rejected.",
            )
            return redirect(request.get_full_path())
    rows = [
        (
            entry,
            [
                (
                    c,
                    typed.get(c.key, (c.verdict, c.text or c.comment))[0],
                    typed.get(c.key, (c.verdict, c.text or c.comment))[1],
                    problems.get(c.key),
                )
                for c in comments[entry.pk]
            ],
        )
        for entry in shown
    ]
    context = {
        "stage": stage,
        "rows": rows,
        "page": page,
        "todo": todo,
        "problems": problems,
        "verdict_choices": [
            ("", "Not yet"),
            ("approve", "Approve as written"),
            ("edit", "Approve as edited"),
            ("reject", "Reject"),
        ],
    }
    return render(request, "judging/results/moderation.html", context, status=400 if problems else 200)


@login_required
def feedback(request: HttpRequest, stage_id: int, entry_id: int) -> HttpResponse:
    """The awards office chooses which judges' comments may go to the nominator (admins only)."""
    stage = (
        access.feedback_stages(request.user, write=access.writes(request))
        .select_related("award__programme")
        .filter(pk=stage_id)
        .first()
    )
    entry = standings.visible_entries(stage, request.user).filter(pk=entry_id).first() if stage else None
    if entry is None:
        raise Http404("No such entry")
    items = decisions.feedback_items(entry)
    if request.method == "POST":
        approved = decisions.feedback_approve(entry=entry, chosen=set(request.POST.getlist("approve")), by=request.user)
        noun = "comment" if approved == 1 else "comments"
        messages.info(request, f"Feedback for {entry.reference} saved: {approved} {noun} approved for the nominator.")
        return redirect("judging:feedback", stage.pk, entry.pk)
    context = {"stage": stage, "entry": entry, "items": items}
    return render(request, "judging/results/feedback.html", context)


@login_required
def office_home(request: HttpRequest) -> HttpResponse:
    """The programmes this person is the awards office of, each with its overview."""
    programmes = office_programmes(request.user).order_by("-nominations_open", "name")
    return render(request, "judging/office/home.html", {"programmes": programmes})


@login_required
def overview(request: HttpRequest, programme_slug: str) -> HttpResponse:
    """How a programme is going, for its awards office: nominations by award and by day, judging
    progress, deadlines and the spread of who is nominated, each figure linked to what it calls for."""
    programme = get_object_or_404(office_programmes(request.user), slug=programme_slug)
    context = {
        "programme": programme,
        "overview": office_overview.programme_overview(programme),
        "may_manage": manages(request.user, programme),
    }
    return render(request, "judging/office/overview.html", context)


def _office_programme(request, programme_slug: str, *, write: bool = False):
    """The programme, if this person is its awards office (a manager, to change anything); else 404."""
    found = managed_programmes(request.user) if write else office_programmes(request.user)
    return get_object_or_404(found, slug=programme_slug)


def _office_message(programme, message_id: int) -> OfficeMessage:
    return get_object_or_404(
        OfficeMessage.objects.select_related("award", "stage__award", "programme"), programme=programme, pk=message_id
    )


@login_required
def messages_list(request: HttpRequest, programme_slug: str) -> HttpResponse:
    """The office's messages to the programme's people: drafts, and what was sent to how many."""
    programme = _office_programme(request, programme_slug)
    rows = list(programme.office_messages.select_related("award", "stage__award", "created_by"))
    sent = office_messages.delivery_counts([m.pk for m in rows])
    context = {
        "programme": programme,
        "rows": [(m, office_messages.SEGMENTS[m.segment], sent.get(m.pk, {})) for m in rows],
        "may_manage": manages(request.user, programme),
    }
    return render(request, "judging/office/messages.html", context)


@login_required
def message_new(request: HttpRequest, programme_slug: str) -> HttpResponse:
    programme = _office_programme(request, programme_slug, write=True)
    return _message_form(request, programme, None)


@login_required
def message_edit(request: HttpRequest, programme_slug: str, message_id: int) -> HttpResponse:
    programme = _office_programme(request, programme_slug, write=True)
    message = _office_message(programme, message_id)
    if message.status != OfficeMessage.Status.DRAFT:
        return redirect("judging:message", programme.slug, message.pk)
    return _message_form(request, programme, message)


def _message_form(request, programme, message):
    initial = {}
    if message is not None:
        target = message.stage_id if office_messages.SEGMENTS[message.segment].target == "stage" else message.award_id
        initial = {"audience": f"{message.segment}:{target}", "subject": message.subject, "body": message.body}
    form = MessageForm(request.POST or None, programme=programme, initial=initial)
    if request.method == "POST" and form.is_valid():
        message = office_messages.message_save(
            programme=programme,
            message=message,
            segment=form.cleaned_data["segment"],
            target=form.cleaned_data["target"],
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            by=request.user,
        )
        return redirect("judging:message", programme.slug, message.pk)
    placeholders = {key: segment.placeholders for key, segment in office_messages.SEGMENTS.items()}
    context = {
        "programme": programme,
        "form": form,
        "message": message,
        "segments": [(office_messages.SEGMENTS[key], names) for key, names in placeholders.items()],
    }
    return render(request, "judging/office/message_form.html", context)


@login_required
def message(request: HttpRequest, programme_slug: str, message_id: int) -> HttpResponse:
    """A draft: previewed as one real recipient reads it, with how many receive it and the button
    that sends it to them. Once confirmed: how far sending has got, and the delivery log."""
    programme = _office_programme(request, programme_slug, write=request.method == "POST")
    message = _office_message(programme, message_id)
    changed = None
    if request.method == "POST":
        try:
            expected = int(request.POST.get("expected", ""))
        except ValueError:
            expected = -1
        try:
            confirmed = office_messages.message_confirm(
                message=message, expected=expected, by=request.user, now=timezone.now()
            )
        except office_messages.RecipientsChanged as change:
            changed = change.count
        else:
            if confirmed:
                send_office_message.enqueue(message.pk)
            messages.info(request, "Your message is being sent. This page shows each delivery as it goes.")
            return redirect("judging:message", programme.slug, message.pk)
    # Who it goes to matters only before it is sent (a sent message shows its delivery log).
    found = office_messages.recipients(message) if message.status == OfficeMessage.Status.DRAFT else []
    context = {
        "programme": programme,
        "message": message,
        "segment": office_messages.SEGMENTS[message.segment],
        "target": office_messages.target_of(message),
        "count": len(found),
        "people": office_messages.people_count(found),
        "preview": office_messages.preview(message, found),
        "changed": changed,
        "deliveries": office_messages.deliveries(message),
        "may_manage": manages(request.user, programme),
    }
    return render(request, "judging/office/message.html", context)
