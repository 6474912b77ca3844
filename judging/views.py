from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateformat import format as format_date

from . import access, domain, presentation, scorecards
from .forms import DeclarationForm, ScorecardForm
from .models import PanelMember, Scorecard


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A judge's or chair's panels, with how many entries each asks of them."""
    seats = access.seats_for(request.user).order_by("stage__closes_at", "stage__award__title")
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
    seat = access.judge_seat(request.user, stage_id)
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


def _layout(form, criteria, statements):
    from crispy_forms.layout import HTML, Fieldset, Layout
    from django.template.loader import render_to_string

    parts = []
    for criterion in criteria:
        linked = [
            (statement.heading, [statement.answers[key] for key in criterion.question_keys if key in statement.answers])
            for statement in statements
        ]
        context = render_to_string(
            "judging/_criterion_context.html",
            {"criterion": criterion, "linked": linked, "many": len(statements) > 1},
        )
        parts.append(Fieldset(criterion.title, HTML(context), f"score-{criterion.key}", f"comment-{criterion.key}"))
    parts.append("overall_comment")
    parts.append("version")
    form.helper.layout = Layout(*parts)


@login_required
def score(request: HttpRequest, stage_id: int, entry_id: int) -> HttpResponse:
    """The scoring page: the entry's answers, each criterion beside the answers it reads, the scorecard."""
    seat = _judge_seat(request, stage_id)
    stage = seat.stage
    entry = (
        access.entries_for_judge(request.user, stage)
        .select_related("nomination", "dossier", "stage__award")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        raise Http404("No such entry")
    criteria = list(stage.award.criteria.order_by("position", "id"))
    statements = presentation.statements_for_judge(entry, stage)
    card = Scorecard.objects.filter(entry=entry, judge=request.user).prefetch_related("scores__criterion").first()
    initial = {"version": card.version if card else 0, "overall_comment": card.overall_comment if card else ""}
    for saved in card.scores.all() if card else []:
        key = saved.criterion.key
        initial[f"score-{key}"] = "na" if saved.not_applicable else ("" if saved.value is None else str(saved.value))
        initial[f"comment-{key}"] = saved.comment
    form = ScorecardForm(request.POST or None, initial=initial, criteria=criteria)
    locked = card is not None and card.status == Scorecard.Status.SUBMITTED
    if request.method == "POST" and not locked and form.is_valid():
        submit = "submit" in request.POST
        try:
            scorecards.scorecard_save(
                entry=entry,
                judge=request.user,
                scores=form.score_inputs(),
                overall_comment=form.cleaned_data["overall_comment"],
                version=form.cleaned_data["version"],
                now=timezone.now(),
                submit=submit,
            )
        except scorecards.StaleScorecard as error:
            form.add_error(None, str(error))
        except scorecards.ScoringRefused as error:
            for key, message in error.problems.items():
                name = f"score-{key}"
                form.add_error(name if name in form.fields else None, message)
            if not error.problems:
                form.add_error(None, str(error))
        else:
            if submit:
                messages.info(request, f"Your scorecard for {entry.reference} is submitted.")
            else:
                messages.info(request, f"Your scores for {entry.reference} are saved as a draft.")
            if submit or "next" in request.POST:
                following = access.entries_for_judge(request.user, stage).filter(pk__gt=entry.pk).order_by("pk").first()
                if following and "next" in request.POST:
                    return redirect("judging:score", stage.pk, following.pk)
                return redirect("judging:queue", stage.pk)
            return redirect("judging:score", stage.pk, entry.pk)
    _layout(form, criteria, statements)
    context = {
        "stage": stage,
        "entry": entry,
        "title": presentation.entry_title(entry, stage),
        "statements": statements,
        "form": form,
        "card": card,
        "locked": locked,
    }
    return render(request, "judging/score.html", context)


@login_required
def autosave(request: HttpRequest, stage_id: int, entry_id: int) -> JsonResponse:
    """Save a scorecard draft while the judge works; answers with the new version for the page."""
    if request.method != "POST":
        raise Http404("POST only")
    seat = _judge_seat(request, stage_id)
    entry = access.entries_for_judge(request.user, seat.stage).filter(pk=entry_id).first()
    if entry is None:
        raise Http404("No such entry")
    criteria = list(seat.stage.award.criteria.order_by("position", "id"))
    form = ScorecardForm(request.POST, criteria=criteria)
    if not form.is_valid():
        return JsonResponse({"error": "Not saved: check the scores on this page."}, status=422)
    try:
        card = scorecards.scorecard_save(
            entry=entry,
            judge=request.user,
            scores=form.score_inputs(),
            overall_comment=form.cleaned_data["overall_comment"],
            version=form.cleaned_data["version"],
            now=timezone.now(),
        )
    except scorecards.StaleScorecard as error:
        return JsonResponse({"error": str(error)}, status=409)
    except scorecards.ScoringRefused as error:
        return JsonResponse({"error": str(error)}, status=409 if not error.problems else 422)
    zone = seat.stage.award.programme.zone
    return JsonResponse({"saved_at": format_date(card.updated_at.astimezone(zone), "g:i a"), "version": card.version})
