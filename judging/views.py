from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import access
from .models import PanelMember


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
        panels.append({"seat": seat, "stage": stage, "entries": count})
    return render(request, "judging/home.html", {"panels": panels})
