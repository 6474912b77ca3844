from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from . import access, domain
from .forms import DeclarationForm
from .models import PanelMember, Scorecard


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A judge's or chair's panels, with how many entries each asks of them."""
    seats = (
        PanelMember.objects.filter(user=request.user)
        .select_related("stage__award__programme", "group")
        .order_by("stage__closes_at", "stage__award__title")
    )
    panels = []
    for seat in seats:
        stage = seat.stage
        count = (
            access.entries_for_judge(request.user, stage).count()
            if seat.role == PanelMember.Role.JUDGE
            else access.entries_for_chair(request.user, stage).count()
        )
        declared = seat.role != PanelMember.Role.JUDGE or access.has_declared(request.user, stage)
        panels.append({"seat": seat, "stage": stage, "entries": count, "declared": declared})
    return render(request, "judging/home.html", {"panels": panels})


def _judge_seat(request, stage_id) -> PanelMember:
    seat = (
        PanelMember.objects.filter(user=request.user, stage_id=stage_id, role=PanelMember.Role.JUDGE)
        .select_related("stage__award__programme")
        .first()
    )
    if seat is None:
        raise Http404("No such panel")
    return seat


@login_required
def declare(request: HttpRequest, stage_id: int) -> HttpResponse:
    """Before any entry is shown: the judge declares conflicts against the nominees (organisations when blind)."""
    seat = _judge_seat(request, stage_id)
    stage = seat.stage
    rows = domain.declaration_rows(stage=stage, member=seat)
    form = DeclarationForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        domain.conflict_declare(
            stage=stage, judge=request.user, decisions=form.decisions(), rows=rows, now=timezone.now()
        )
        messages.info(request, "Thank you. Your declaration is recorded; you can now see the entries assigned to you.")
        return redirect("judging:home")
    return render(request, "judging/declare.html", {"stage": stage, "form": form, "rows": rows})


@login_required
def queue(request: HttpRequest, stage_id: int) -> HttpResponse:
    """The judge's entries in a stage, with what is scored and what is still to do."""
    seat = _judge_seat(request, stage_id)
    stage = seat.stage
    if not access.has_declared(request.user, stage):
        return redirect("judging:declare", stage.pk)
    entries = list(
        access.entries_for_judge(request.user, stage)
        .select_related("nomination", "dossier", "stage__award")
        .order_by("id")
    )
    cards = {
        card.entry_id: card for card in Scorecard.objects.filter(judge=request.user, entry__in=[e.pk for e in entries])
    }
    rows = [(entry, cards.get(entry.pk)) for entry in entries]
    scored = sum(1 for _, card in rows if card and card.status == Scorecard.Status.SUBMITTED)
    context = {"stage": stage, "rows": rows, "scored": scored, "total": len(rows), "seat": seat}
    return render(request, "judging/queue.html", context)
