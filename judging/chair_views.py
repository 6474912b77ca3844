"""The chair's pages for a stage: progress and reminders, assignments by hand and by CSV, reopening.

Every page finds the stage through judging.access.chaired_stages (404 otherwise) and the
entries through entries_for_chair, so a chair never meets an entry they are conflicted with.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit import log as audit
from plaudit.ids import is_whole_number, posted_id
from plaudit.people import display_name

from . import access, ballots, panels, presentation, scorecards, selectors
from . import assignments as assigning
from .conflicts import awaiting_declaration, conflict_pairs
from .forms import AddJudgeForm, AssignmentsUploadForm, MoveForm
from .models import Ballot, PanelMember, Scorecard, Stage

SIGNING_SALT = "plaudit.judging.assignments-upload"


def _judge_choices(stage: Stage) -> list[tuple[int, str]]:
    members = stage.members.filter(role=PanelMember.Role.JUDGE).select_related("user", "group")
    return [
        (
            member.user_id,
            display_name(member.user) + (f" ({member.group.name})" if member.group else ""),
        )
        for member in members
    ]


@login_required
def progress(request: HttpRequest, stage_id: int) -> HttpResponse:
    """Each judge's progress, who is behind, and reminders to one judge or to everyone behind."""
    stage = access.chaired_stage_or_404(request.user, stage_id, write=access.writes(request))
    rows = sorted(selectors.judge_progress(stage).values(), key=lambda row: (-row.remaining, row.name))
    context = {
        "stage": stage,
        "rows": rows,
        "behind": [row for row in rows if row.remaining],
        "overdue": selectors.stage_is_overdue(stage),
        "entries": access.entries_for_chair(request.user, stage).count(),
        "voting": stage.mode == Stage.Mode.VOTING,
        **selectors.left_judging(request.user, stage),
    }
    return render(request, "judging/chair/progress.html", context)


@login_required
@require_POST
def remind(request: HttpRequest, stage_id: int) -> HttpResponse:
    """Queue reminders: to the one judge named, or to every judge with work left."""
    stage = access.chaired_stage_or_404(request.user, stage_id, write=access.writes(request))
    rows = selectors.judge_progress(stage)
    if request.POST.get("judge"):
        row = rows.get(posted_id(request.POST["judge"]))
        if row is None:
            raise Http404("No such judge")
        chosen = [row] if row.remaining else []
    else:
        chosen = [row for row in rows.values() if row.remaining]
    sent = panels.reminders_send(stage=stage, members=[row.member for row in chosen], now=timezone.now())
    if sent == 1:
        messages.info(request, f"A reminder is on its way to {chosen[0].name}.")
    elif sent:
        messages.info(request, f"Reminders are on their way to {sent} judges.")
    else:
        messages.info(request, "Nobody is behind: no reminder was sent.")
    return redirect("judging:progress", stage.pk)


@login_required
def assignments(request: HttpRequest, stage_id: int) -> HttpResponse:
    """Who scores what, page by page; add or remove a judge on an entry; move a leaving judge's work."""
    stage = access.chaired_stage_or_404(request.user, stage_id, write=access.writes(request))
    entries = (
        access.entries_for_chair(request.user, stage)
        .select_related("nomination", "dossier", "stage__award")
        .order_by("id")
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    judges = _judge_choices(stage)
    conflicts = conflict_pairs(stage)
    rows = selectors.entry_rows(stage, page.object_list, conflicts)
    blind = access.blindness(request.user, stage)
    for row in rows:
        row.title = presentation.entry_title(row.entry, stage, blind=blind)
        on = {judge_id for judge_id, *_ in row.judges} | {j for j, e in conflicts if e == row.entry.pk}
        row.form = AddJudgeForm(
            judges=[choice for choice in judges if choice[0] not in on],
            reference=row.entry.reference,
            auto_id=f"id_add_{row.entry.pk}_%s",
        )
    move_form = MoveForm(request.POST or None, judges=judges)
    if request.method == "POST" and move_form.is_valid():
        try:
            move = assigning.assignments_move(
                stage=stage,
                from_judge_id=move_form.cleaned_data["from_judge"],
                to_judge_id=move_form.cleaned_data["to_judge"],
                by=request.user,
            )
        except assigning.AssignmentRefused as error:
            move_form.add_error(None, str(error))
        else:
            messages.info(
                request,
                f"Moved {len(move.moved)} {'entry' if len(move.moved) == 1 else 'entries'}"
                + (
                    "; kept: " + "; ".join(f"{reference} ({why})" for reference, why in move.kept) if move.kept else "."
                ),
            )
            return redirect("judging:assignments", stage.pk)
    context = {"stage": stage, "page": page, "rows": rows, "move_form": move_form, "judges": judges}
    return render(request, "judging/chair/assignments.html", context)


def _chair_entry(request, stage, entry_id):
    entry = (
        access.entries_for_chair(request.user, stage)
        .select_related("nomination", "dossier", "stage__award")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        raise Http404("No such entry")
    return entry


def _back(stage, request):
    page = request.POST.get("page", "")
    suffix = f"?page={page}" if is_whole_number(page) and len(page) < 10 else ""
    return redirect(f"{stage_url(stage)}{suffix}")


def stage_url(stage):
    return reverse("judging:assignments", args=[stage.pk])


@login_required
@require_POST
def assignment_change(request: HttpRequest, stage_id: int, entry_id: int) -> HttpResponse:
    """Add a judge to an entry, or take one off (by hand, one at a time)."""
    stage = access.chaired_stage_or_404(request.user, stage_id, write=access.writes(request))
    entry = _chair_entry(request, stage, entry_id)
    try:
        if "remove" in request.POST:
            judge_id = posted_id(request.POST.get("remove"))
            if judge_id is None:
                raise ValueError("no such judge")
            assigning.assignment_remove(entry=entry, judge_id=judge_id, by=request.user)
            messages.info(request, f"Judge taken off {entry.reference}.")
        else:
            form = AddJudgeForm(request.POST, judges=_judge_choices(stage), reference=entry.reference)
            if not form.is_valid():
                raise assigning.AssignmentRefused(f"{entry.reference}: choose a judge to add.")
            judge_id = form.cleaned_data["judge"]
            assigning.assignment_add(entry=entry, judge_id=judge_id, by=request.user)
            if awaiting_declaration(stage, [entry], pairs=[(judge_id, entry.pk)]):
                messages.warning(
                    request,
                    f"Judge added to {entry.reference}. They have not declared for it yet: they will be asked "
                    "about conflicts of interest before they can see it.",
                )
            else:
                messages.info(request, f"Judge added to {entry.reference}.")
    except ValueError:
        messages.error(request, "Choose a judge.")
    except assigning.AssignmentRefused as error:
        messages.error(request, str(error))
    return _back(stage, request)


@login_required
@require_POST
def reopen(request: HttpRequest, stage_id: int, entry_id: int) -> HttpResponse:
    """Reopen a judge's submitted scorecard (or, in a voting stage, ballot) so they can change it."""
    stage = access.chaired_stage_or_404(request.user, stage_id, write=access.writes(request))
    judge_id = posted_id(request.POST.get("judge"))
    if stage.mode == Stage.Mode.VOTING:
        ballot = Ballot.objects.filter(stage=stage, judge_id=judge_id).first()
        if ballot is None:
            raise Http404("No such ballot")
        ballots.ballot_reopen(ballot=ballot)
        messages.info(request, "Ballot reopened.")
        return redirect("judging:progress", stage.pk)
    entry = _chair_entry(request, stage, entry_id)
    card = Scorecard.objects.filter(entry=entry, judge_id=judge_id, status=Scorecard.Status.SUBMITTED).first()
    if card is None:
        raise Http404("No such scorecard")
    scorecards.scorecard_reopen(scorecard=card, now=timezone.now(), by=request.user)
    messages.info(request, f"Scorecard for {entry.reference} reopened; the judge can change it now.")
    return _back(stage, request)


@login_required
def assignments_download(request: HttpRequest, stage_id: int) -> HttpResponse:
    stage = access.chaired_stage_or_404(request.user, stage_id, write=access.writes(request))
    text = assigning.assignments_csv(stage=stage, entries=access.entries_for_chair(request.user, stage))
    audit.record(
        audit.Action.EXPORT, f"{stage}: assignments downloaded", actor=request.user, subject=f"stage:{stage.pk}"
    )
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="assignments-{stage.award.slug}-{stage.pk}.csv"'
    return response


@login_required
def assignments_upload(request: HttpRequest, stage_id: int) -> HttpResponse:
    """Upload a CSV, see exactly what it would change, then apply it (or not)."""
    stage = access.chaired_stage_or_404(request.user, stage_id, write=access.writes(request))
    entries = access.entries_for_chair(request.user, stage)
    if request.method == "POST" and "apply" in request.POST:
        try:
            text = signing.loads(request.POST.get("plan", ""), salt=SIGNING_SALT, max_age=3600)
        except signing.BadSignature:
            messages.error(request, "That preview has expired or was changed. Upload the file again.")
            return redirect("judging:assignments_upload", stage.pk)
        try:
            plan = assigning.assignments_apply(stage=stage, entries=entries, text=text["csv"], by=request.user)
        except assigning.AssignmentRefused:
            messages.error(request, "The assignments changed since the preview. Upload the file again to check it.")
            return redirect("judging:assignments_upload", stage.pk)
        messages.info(request, f"Assignments updated: {len(plan.add)} added, {len(plan.remove)} removed.")
        return redirect("judging:assignments", stage.pk)
    form = AssignmentsUploadForm(request.POST or None, request.FILES or None)
    plan = signed = None
    if request.method == "POST" and form.is_valid():
        plan = assigning.assignments_plan(stage=stage, entries=entries, text=form.cleaned_data["file"])
        if not plan.problems:
            signed = signing.dumps({"csv": form.cleaned_data["file"]}, salt=SIGNING_SALT, compress=True)
    context = {
        "stage": stage,
        "form": form,
        "plan": plan,
        "signed": signed,
        "adds": [(*plan.describe(pair), pair in plan.awaiting) for pair in plan.add] if plan else [],
        "removes": [plan.describe(pair) for pair in plan.remove] if plan else [],
    }
    return render(request, "judging/chair/upload.html", context)
