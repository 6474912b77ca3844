from crispy_forms.layout import Layout
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from audit import log as audit
from awards import definitions
from awards.access import office_programmes
from nominations.builder import is_file
from nominations.models import Answer, Endorsement
from plaudit.layout import Fieldset, Rendered
from plaudit.pdf import render_pdf
from plaudit.people import display_name
from plaudit.storage import private_download

from . import access, ballots, conflicts, presentation, scorecards
from .entries import nominations_of
from .forms import BallotForm, ConflictForm, DeclarationForm, ScorecardForm, level_label
from .models import Ballot, PanelMember, Scorecard


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A judge's or chair's panels, with how many entries each asks of them."""
    seats = access.seats_for(request.user).order_by("stage__closes_at", "stage__award__title")
    panels = []
    for seat in seats:
        stage = seat.stage
        judging = seat.role == PanelMember.Role.JUDGE
        count = (
            access.entries_for_judge(request.user, stage).count()
            if judging
            else access.entries_for_chair(request.user, stage).count()
        )
        pending = conflicts.undeclared_nominations(stage, request.user).count() if judging else 0
        panels.append({"seat": seat, "stage": stage, "entries": count, "pending": pending})
    office = office_programmes(request.user).only("slug", "name")
    return render(request, "judging/home.html", {"panels": panels, "office": office})


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
    # Only what the judge has not declared for yet: a confirmed conflict is never shown again to take back.
    rows = conflicts.declaration_rows(stage=stage, member=seat)
    form = DeclarationForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            conflicts.conflict_declare(
                stage=stage, judge=request.user, decisions=form.decisions(), rows=rows, now=timezone.now()
            )
        except conflicts.ConflictRefused as error:
            form.add_error(None, str(error))
        else:
            messages.info(
                request, "Thank you. Your declaration is recorded; you can now see the entries assigned to you."
            )
            return redirect("judging:queue", stage.pk)
    context = {"stage": stage, "form": form, "rows": rows, "again": conflicts.has_declared_any(request.user, stage)}
    return render(request, "judging/declare.html", context)


@login_required
def conflict(request: HttpRequest, stage_id: int, entry_id: int) -> HttpResponse:
    """A judge declares a conflict with one of their entries, at any time: it leaves their queue at once.
    Only the awards office can take a confirmed conflict back."""
    seat = _judge_seat(request, stage_id)
    stage = seat.stage
    entry = (
        access.entries_for_judge(request.user, stage)
        .select_related("nomination", "dossier")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        raise Http404("No such entry")
    entry.stage = stage
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        conflicts.conflict_add(entry=entry, judge=request.user, reason=form.cleaned_data["reason"], now=timezone.now())
        messages.info(
            request,
            f"Your conflict of interest with {entry.reference} is recorded. You will not see, score or learn "
            "the ranking of it; only the awards office can remove the conflict.",
        )
        return redirect("judging:queue", stage.pk)
    context = {"stage": stage, "entry": entry, "title": presentation.entry_title(entry, stage), "form": form}
    return render(request, "judging/conflict.html", context)


QUEUE_PAGE_SIZE = 100


@login_required
def queue(request: HttpRequest, stage_id: int) -> HttpResponse:
    """The judge's entries in a stage, with what is scored and what is still to do."""
    seat = _judge_seat(request, stage_id)
    stage = seat.stage
    pending = conflicts.undeclared_nominations(stage, request.user).count()
    if pending and not conflicts.has_declared_any(request.user, stage):
        return redirect("judging:declare", stage.pk)
    if stage.mode == stage.Mode.VOTING:
        return redirect("judging:ballot", stage.pk)
    visible = access.entries_for_judge(request.user, stage)
    # A page at a time, and only the columns the list shows: a judge of a large stage has hundreds.
    entries = (
        visible.select_related("nomination", "dossier")
        .only("stage_id", "nomination__reference", "nomination__nominee_name", "dossier__title")
        .order_by("id")
    )
    page = Paginator(entries, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page.object_list:
        entry.stage = stage  # one stage for every row, not a join per row
    cards = Scorecard.objects.filter(judge=request.user)
    statuses = dict(cards.filter(entry__in=[e.pk for e in page.object_list]).values_list("entry_id", "status"))
    context = {
        "stage": stage,
        "page": page,
        "rows": [(entry, statuses.get(entry.pk)) for entry in page.object_list],
        "scored": cards.filter(entry__in=visible, status=Scorecard.Status.SUBMITTED).count(),
        "total": page.paginator.count,
        "seat": seat,
        "pending": pending,
    }
    return render(request, "judging/queue.html", context)


def _queue_at(request, stage, entry):
    """Back to the judge's list, on the page that holds this entry (page 1 of a long list was
    where a judge working through page 3 used to land)."""
    before = access.entries_for_judge(request.user, stage).filter(pk__lt=entry.pk).count()
    page = before // QUEUE_PAGE_SIZE + 1
    url = reverse("judging:queue", args=[stage.pk])
    return redirect(f"{url}?page={page}" if page > 1 else url)


def _layout(form, criteria, statements):
    parts = []
    weights = [c.weight for c in criteria]
    for criterion in criteria:
        linked = [
            (
                statement.heading,
                [
                    (*statement.answers[key], statement.links.get(key))
                    for key in criterion.question_keys
                    if key in statement.answers
                ],
            )
            for statement in statements
        ]
        context = render_to_string(
            "judging/_criterion_context.html",
            {
                "criterion": criterion,
                "linked": linked,
                "many": len(statements) > 1,
                "weight": presentation.weight_words(criterion.weight, weights),
                "scale": presentation.scale_words(criterion),
                "lowest": criterion.level_descriptors.get(criterion.scale_min, ""),
            },
        )
        # Rendered, not crispy's HTML(): the answers in it are data and must never be compiled as a template.
        parts.append(Fieldset(criterion.title, Rendered(context), f"score-{criterion.key}", f"comment-{criterion.key}"))
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
    statements = presentation.statements_for_judge(entry, stage)
    if stage.mode == stage.Mode.VOTING:
        # Voting stages have one ballot for all entries; this page is for reading the entry.
        context = {"stage": stage, "entry": entry, "title": presentation.entry_title(entry, stage)}
        return render(request, "judging/read.html", {**context, "statements": statements})
    criteria = list(stage.award.criteria.order_by("position", "id"))
    card = Scorecard.objects.filter(entry=entry, judge=request.user).prefetch_related("scores__criterion").first()
    initial = {"version": card.version if card else 0, "overall_comment": card.overall_comment if card else ""}
    for saved in card.scores.all() if card else []:
        key = saved.criterion.key
        initial[f"score-{key}"] = "na" if saved.not_applicable else ("" if saved.value is None else str(saved.value))
        initial[f"comment-{key}"] = saved.comment
    locked = card is not None and card.status == Scorecard.Status.SUBMITTED
    if request.method == "POST" and not locked and "confirmed" in request.POST:
        return _submit_confirmed(request, stage, entry, card, criteria)
    form = ScorecardForm(request.POST or None, initial=initial, criteria=criteria)
    if request.method == "POST" and not locked and form.is_valid():
        submit = "submit" in request.POST
        if submit and not scorecards.submission_problems(stage, criteria, form.score_inputs()):
            # Ready to submit: saved as a draft first (nothing lost), then the judge confirms on a
            # summary of exactly what will be submitted.
            try:
                saved = scorecards.scorecard_save(
                    entry=entry,
                    judge=request.user,
                    scores=form.score_inputs(),
                    overall_comment=form.cleaned_data["overall_comment"],
                    version=form.cleaned_data["version"],
                    now=timezone.now(),
                )
            except scorecards.StaleScorecard as error:
                form.add_error(None, str(error))
            else:
                return _confirm_page(request, stage, entry, saved, criteria)
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
            if "next" in request.POST:
                following = access.entries_for_judge(request.user, stage).filter(pk__gt=entry.pk).order_by("pk").first()
                if following:
                    return redirect("judging:score", stage.pk, following.pk)
            if submit or "next" in request.POST:
                return _queue_at(request, stage, entry)
            return redirect("judging:score", stage.pk, entry.pk)
    _layout(form, criteria, statements)
    weights = [c.weight for c in criteria]
    # The running total: worked out here for the page as saved (the same maths the ranking uses),
    # and again in the browser as the judge scores (static/js/plaudit.js, from `criteria_data`).
    scored = 0 if card is None else sum(1 for line in scorecards.lines(card, criteria) if line.value is not None)
    context = {
        "stage": stage,
        "entry": entry,
        "title": presentation.entry_title(entry, stage),
        # Answers a criterion reads are shown beside it on the scorecard; the entry column keeps
        # only the rest (all of them once the scorecard is submitted and shown without the form).
        "statements": statements if locked else presentation.without(statements, presentation.linked_keys(criteria)),
        "form": form,
        "card": card,
        "locked": locked,
        "others": presentation.others_scores(entry, stage, request.user) if locked else None,
        "criteria": [(c, presentation.weight_words(c.weight, weights), presentation.scale_words(c)) for c in criteria],
        "criteria_data": [
            {"key": c.key, "weight": float(c.weight), "min": c.scale_min, "max": c.scale_max} for c in criteria
        ],
        "total": scorecards.saved_total(card, criteria),
        "scored": scored,
    }
    return render(request, "judging/score.html", context)


def _confirm_page(request, stage, entry, card, criteria, problem: str = ""):
    """What will be submitted, criterion by criterion, with the total and the comments not written,
    and that a submitted scorecard is locked."""
    card = Scorecard.objects.prefetch_related("scores").get(pk=card.pk)
    rows = []
    for line in scorecards.lines(card, criteria):
        if line.not_applicable:
            shown = "Not applicable"
        elif line.value is None:
            shown = "Not scored"
        else:
            shown = level_label(line.value, line.criterion.level_descriptors)
        rows.append((line.criterion, shown, line.comment))
    total = scorecards.saved_total(card, criteria)
    context = {
        "stage": stage,
        "entry": entry,
        "title": presentation.entry_title(entry, stage),
        "card": card,
        "rows": rows,
        "total": total,
        "uncommented": [criterion.title for criterion, _shown, comment in rows if not comment.strip()],
        "problem": problem,
    }
    return render(request, "judging/score_confirm.html", context, status=400 if problem else 200)


def _submit_confirmed(request, stage, entry, card, criteria):
    """Submit the saved draft the judge has just confirmed; a change since (another tab) shows the
    summary again with what is saved now."""
    if card is None:
        return redirect("judging:score", stage.pk, entry.pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        scorecards.scorecard_save(
            entry=entry,
            judge=request.user,
            scores=scorecards.saved_inputs(card, criteria),
            overall_comment=card.overall_comment,
            version=version,
            now=timezone.now(),
            submit=True,
        )
    except scorecards.StaleScorecard:
        return _confirm_page(
            request, stage, entry, card, criteria, problem="These scores changed since you looked: check them again."
        )
    except scorecards.ScoringRefused as error:
        messages.error(request, str(error))
        return redirect("judging:score", stage.pk, entry.pk)
    messages.info(request, f"Your scorecard for {entry.reference} is submitted.")
    return _queue_at(request, stage, entry)


@login_required
def evidence(request: HttpRequest, stage_id: int, entry_id: int, nomination_id: int, question_key: str):
    """A file uploaded with an entry, for a judge who may open the entry, or a chair of the stage
    (404 for anyone else, and for answers judging does not show). In a blind stage it is named
    by the entry's reference, never by the name it was uploaded with."""
    seat = access.judge_seat(request.user, stage_id)
    if seat is not None:
        stage = seat.stage
        entries, blind = access.entries_for_judge(request.user, stage), stage.blind
    else:
        stage = access.chaired_stage_or_404(request.user, stage_id, write=access.writes(request))
        entries, blind = access.entries_for_chair(request.user, stage), None
    entry = entries.select_related("nomination", "dossier").filter(pk=entry_id).first()
    if entry is None:
        raise Http404("No such entry")
    if blind is None:
        blind = not access.sees_identity(request.user, stage, entry)
    nomination = next((n for n in nominations_of([entry])[entry.pk] if n.pk == nomination_id), None)
    answer = (
        Answer.objects.select_related("question")
        .filter(nomination=nomination, question__key=question_key[:100], question__award_id=stage.award_id)
        .exclude(file="")
        .first()
        if nomination
        else None
    )
    if answer is not None and is_file(answer.question):
        question, stored, original = answer.question, answer.file, answer.file_name
    else:
        # A referee's letter, sent with their supporting statement.
        letter = (
            Endorsement.objects.select_related("question")
            .filter(
                nomination=nomination,
                question__key=question_key[:100],
                question__award_id=stage.award_id,
                status=Endorsement.Status.RECEIVED,
            )
            .exclude(letter="")
            .first()
            if nomination
            else None
        )
        if letter is None:
            raise Http404("No such file")
        question, stored, original = letter.question, letter.letter, letter.letter_name
    if not presentation.judges_may_read(question, blind=blind):
        raise Http404("No such file")
    response = private_download(stored, presentation.evidence_name(entry, question.key, original, blind=blind))
    audit.record(
        audit.Action.EXPORT,
        f"{entry.reference}: the file for “{question.key}” downloaded",
        actor=request.user,
        subject=f"entry:{entry.pk}",
    )
    return response


@login_required
def autosave(request: HttpRequest, stage_id: int, entry_id: int) -> JsonResponse:
    """Save a scorecard draft while the judge works; answers with the new version for the page."""
    if request.method != "POST":
        raise Http404("POST only")
    seat = _judge_seat(request, stage_id)
    # Every few seconds for every judge at work: the stage as read with the seat, the criteria
    # as kept for the award's revision (awards.definitions; the service is handed them), and the
    # entry read once, by the service, inside the transaction that writes.
    criteria = definitions.criteria_of(seat.stage.award)
    form = ScorecardForm(request.POST, criteria=criteria)
    if not form.is_valid():
        return JsonResponse({"error": "Not saved: check the scores on this page."}, status=422)
    try:
        card = scorecards.scorecard_autosave(
            stage=seat.stage,
            entry_id=entry_id,
            judge=request.user,
            criteria=criteria,
            scores=form.score_inputs(),
            overall_comment=form.cleaned_data["overall_comment"],
            version=form.cleaned_data["version"],
            now=timezone.now(),
        )
    except scorecards.NotTheJudgesEntry:
        raise Http404("No such entry") from None
    except scorecards.StaleScorecard as error:
        return JsonResponse({"error": str(error)}, status=409)
    except scorecards.ScoringRefused as error:
        return JsonResponse({"error": str(error)}, status=409 if not error.problems else 422)
    zone = seat.stage.award.programme.zone
    return JsonResponse({"saved_at": format_date(card.updated_at.astimezone(zone), "g:i a"), "version": card.version})


@login_required
def ballot(request: HttpRequest, stage_id: int) -> HttpResponse:
    """A voting stage: the judge approves up to k entries, or ranks them; drafts save, submit locks."""
    seat = _judge_seat(request, stage_id)
    stage = seat.stage
    if stage.mode != stage.Mode.VOTING:
        raise Http404("Not a voting stage")
    pending = conflicts.undeclared_nominations(stage, request.user).count()
    if pending and not conflicts.has_declared_any(request.user, stage):
        return redirect("judging:declare", stage.pk)
    entries = list(
        access.entries_for_judge(request.user, stage)
        .select_related("nomination", "dossier", "stage__award")
        .order_by("id")
    )
    titles = {entry.pk: presentation.entry_title(entry, stage) for entry in entries}
    saved = Ballot.objects.filter(stage=stage, judge=request.user).prefetch_related("votes").first()
    initial = {"version": saved.version if saved else 0}
    if saved:
        votes = list(saved.votes.all())
        initial["approve"] = [str(vote.entry_id) for vote in votes]
        initial.update({f"rank-{vote.entry_id}": str(vote.rank) for vote in votes if vote.rank})
    form = BallotForm(request.POST or None, initial=initial, stage=stage, entries=entries, titles=titles)
    locked = saved is not None and saved.status == Ballot.Status.SUBMITTED
    if request.method == "POST" and not locked and form.is_valid():
        submit = "submit" in request.POST
        try:
            ballots.ballot_save(
                stage=stage,
                judge=request.user,
                choices=form.choices(),
                version=form.cleaned_data["version"],
                now=timezone.now(),
                submit=submit,
            )
        except scorecards.ScoringRefused as error:
            for key, message in error.problems.items():
                name = "approve" if form.approval else f"rank-{key}"
                form.add_error(name if name in form.fields else None, message)
            if not error.problems:
                form.add_error(None, str(error))
        else:
            messages.info(request, "Your ballot is submitted." if submit else "Your ballot is saved as a draft.")
            return redirect("judging:ballot", stage.pk)
    context = {
        "stage": stage,
        "form": form,
        "entries": [(entry, titles[entry.pk]) for entry in entries],
        "saved": saved,
        "locked": locked,
        "pending": pending,
        "votes": [
            titles[vote.entry_id]
            for vote in sorted(saved.votes.all(), key=lambda v: (v.rank or 0, v.entry_id))
            if vote.entry_id in titles
        ]
        if locked
        else [],
    }
    return render(request, "judging/ballot.html", context)


@login_required
def reading_pack(request: HttpRequest, stage_id: int) -> HttpResponse:
    """One PDF of every entry assigned to the judge, to read offline: through the same scoped
    queryset and the same blind presentation as the pages, so conflicts and identities stay out."""
    seat = _judge_seat(request, stage_id)
    stage = seat.stage
    if not conflicts.has_declared_any(request.user, stage):
        return redirect("judging:declare", stage.pk)
    entries = (
        access.entries_for_judge(request.user, stage)
        .select_related("nomination", "dossier", "stage__award__programme")
        .order_by("id")
    )
    entries = list(entries)
    statements = presentation.statements_for_entries(entries, stage)
    items = [{"title": presentation.entry_title(entry, stage), "statements": statements[entry.pk]} for entry in entries]
    zone = stage.award.programme.zone
    context = {
        "stage": stage,
        "items": items,
        "criteria": list(stage.award.criteria.order_by("position", "id")),
        "judge_name": display_name(request.user),
        "now": timezone.now().astimezone(zone),
        "closes_at": stage.closes_at.astimezone(zone) if stage.closes_at else None,
    }
    pdf = render_pdf("judging/reading_pack.html", context)
    audit.record(
        audit.Action.EXPORT, f"{stage}: reading pack downloaded", actor=request.user, subject=f"stage:{stage.pk}"
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="reading-pack-{stage.award.slug}-{stage.pk}.pdf"'
    return response
