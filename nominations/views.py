"""The nominator's journey: start, write over several sittings, check, submit, change or withdraw."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import format_html
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from awards import access as award_access
from plaudit import addresses
from plaudit.pdf import render_pdf
from plaudit.storage import private_download

from . import access, domain, endorsements, reminders, selectors, steps
from .builder import field_name, is_file, stored
from .forms import ConsentForm, StartForm, StatementForm, WithdrawForm, nomination_forms
from .links import mine_resolve
from .models import Endorsement, Nomination


def _local_time(moment, programme) -> str:
    return format_date(moment.astimezone(programme.zone), "g:i a")


def _local_when(moment, programme) -> str:
    return format_date(moment.astimezone(programme.zone), "l j F Y, g:i a") + f" ({programme.timezone} time)"


def _statements(nomination, now, resend_next="edit") -> dict:
    """The nominator's view of their supporting statements, and whether they may send one again."""
    return {
        "statement_requests": selectors.statement_requests(nomination),
        "may_resend": nomination.status == Nomination.Status.SUBMITTED and nomination.is_open(now),
        "resend_next": resend_next,
    }


def _page(request, template, nomination_or_award, context, status=200):
    award = getattr(nomination_or_award, "award", nomination_or_award)
    programme = award.programme
    base = {
        "programme": programme,
        "award": award,
        "header_name": programme.organiser,
        "header_href": programme.get_absolute_url(),
        "contact_email": programme.contact_email,
    }
    return render(request, template, base | context, status=status)


# Rate limits on what the public can post. Generous per network address, because a hospital's
# staff share one; tighter per email address, because each start sends an email.
@ratelimit(key="ip", rate="120/h", method="POST", block=True)
@ratelimit(key=addresses.posted_key, rate="10/h", method="POST", block=True)
def start(request: HttpRequest, programme_slug: str, award_slug: str) -> HttpResponse:
    programme = get_object_or_404(award_access.public_programmes(), slug=programme_slug)
    award = get_object_or_404(award_access.public_awards(programme).select_related("programme"), slug=award_slug)
    now = timezone.now()
    form = StartForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and award.is_open(now):
        # The page answers the same whether or not the address has started nominations before
        # (it would tell anyone who typed it); the emailed link, which only its owner reads,
        # says so and carries the way back to them.
        return _started(request, award, form.cleaned_data["email"], now)
    context = {
        "form": form,
        "is_open": award.is_open(now),
        "not_yet_open": now < award.opens_at,
        "closes": _local_when(award.closes_at, programme),
        "opens": _local_when(award.opens_at, programme),
        "breadcrumbs": [(programme.name, programme.get_absolute_url()), (award.title, award.get_absolute_url())],
    }
    return _page(request, "nominations/start.html", award, context)


def _started(request, award, email, now):
    nomination, _token = domain.nomination_start(award=award, nominator_email=email, now=now)
    access.grant(request, nomination)
    messages.info(
        request,
        f"We have emailed a link to {nomination.nominator_email} so you can come back to this nomination.",
    )
    return redirect("nominations:edit", nomination.reference)


MINE_SESSION_KEY = "plaudit_mine"


@ratelimit(key="ip", rate="60/h", method="POST", block=True)
@ratelimit(key=addresses.posted_key, rate="5/h", method="POST", block=True)
def find(request: HttpRequest) -> HttpResponse:
    """Lost your link? Enter the address you started with: if it started any nominations, it gets
    one email with a link to all of them. The page says the same whether or not it did."""
    form = StartForm(request.POST or None)
    form.fields["email"].help_text = "The address you gave when you started your nomination."
    sent = False
    if request.method == "POST" and form.is_valid():
        domain.nominations_find(email=form.cleaned_data["email"])
        sent = True
    return render(request, "nominations/find.html", {"form": form, "sent": sent, "email": form.data.get("email", "")})


def reminders_stop(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every reminder to a nominator: asks first (mail scanners follow links), then
    stops reminders about every draft started with the address it was sent to."""
    email = reminders.stop_resolve(token)
    if email is None:
        return render(request, "nominations/link_invalid.html", status=404)
    stopped = None
    if request.method == "POST":
        stopped = reminders.reminders_stop(email, timezone.now())
    return render(request, "nominations/reminders_stop.html", {"stopped": stopped})


def mine_open(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed key to "my nominations": exchanged for this browser session, then on to an
    address without it (so the key stays out of logs and history)."""
    email = mine_resolve(token)
    if email is None:
        return render(request, "nominations/link_invalid.html", status=404)
    for nomination in reversed(list(selectors.started_by(email)[:20])):
        access.grant(request, nomination)
    request.session[MINE_SESSION_KEY] = email
    return redirect("nominations:mine")


def mine(request: HttpRequest) -> HttpResponse:
    """Every nomination started with the address whose emailed key this session opened."""
    email = request.session.get(MINE_SESSION_KEY)
    if not email:
        return redirect("nominations:find")
    allowed = set(access.nominator_nominations(request).values_list("pk", flat=True))
    rows = [
        (
            nomination,
            # A draft's nominee is in what was typed so far; a submitted one's on the nomination.
            nomination.nominee_name or str((nomination.identity_draft or {}).get("nominee_name", "")),
            _local_when(nomination.closes_at, nomination.award.programme),
        )
        for nomination in selectors.started_by(email)[:20]
        if nomination.pk in allowed
    ]
    return render(request, "nominations/mine.html", {"rows": rows, "email": email})


def resume(request: HttpRequest, token: str) -> HttpResponse:
    nomination = domain.link_resolve(token=token, now=timezone.now())
    if nomination is None:
        return render(request, "nominations/link_invalid.html", status=404)
    access.grant(request, nomination)
    return redirect("nominations:edit", nomination.reference)


def _nomination(request, reference: str) -> tuple[Nomination, object]:
    """The nominator's nomination (404 for anyone else's) and its award with every question, read
    once per request: the domain functions use this same award rather than reading it again."""
    nomination = access.nomination_for_nominator(request, reference)
    nomination.award = selectors.award_for_form(nomination.award_id)
    return nomination, nomination.award


def _sequence(request) -> tuple[str, int]:
    """(page view id, save counter) that the page's script sends; ("", 0) without JavaScript."""
    # Bounded and cleaned: these go into the database as sent (found by fuzzing on PostgreSQL,
    # which refuses NUL characters and numbers beyond 64 bits).
    page = "".join(ch for ch in request.POST.get("_page", "")[:40] if ch.isprintable())
    try:
        counter = min(max(0, int(request.POST.get("_seq", "0"))), 2**62)
    except ValueError:
        counter = 0
    return page, counter


def _save_draft(request, nomination, identity_form, award_form, now, step_done=None) -> bool:
    """Hand what was typed to the service as plain data: the forms only read it from the post."""
    return domain.nomination_save_draft(
        nomination=nomination,
        identity=identity_form.draft_values(),
        answers=award_form.draft_values(),
        uploads=award_form.uploads(),
        now=now,
        sequence=_sequence(request),
        step_done=step_done,
    )


def _problems_page(request, nomination, award, identity_form, award_form):
    """The form again with what stops it being checked or submitted: on one page, every field
    with its error; in steps, the task list naming the steps left to finish."""
    if award.stepped:
        return _task_list(request, nomination, award, problems=True)
    return _edit_page(request, nomination, award, identity_form, award_form)


def _task_list(request, nomination, award, problems=False):
    """The hub of a form in steps: each step, how far it has got, and the way on to checking."""
    saved = selectors.working_copy(nomination)
    identity_form, award_form = nomination_forms(nomination, saved=saved, bind_saved=True)
    rows = steps.statuses(nomination, steps.form_steps(award), identity_form, award_form, saved)
    unfinished = [step for step, status in rows if status not in steps.Status.FINISHED]
    context = {
        "nomination": nomination,
        "rows": rows,
        "completed": len(rows) - len(unfinished),
        "unfinished": unfinished if problems else [],
        "closes": _local_when(nomination.closes_at, award.programme),
        "saved_at": _local_time(nomination.last_saved_at, award.programme) if nomination.last_saved_at else "",
    } | _statements(nomination, timezone.now())
    return _page(request, "nominations/task_list.html", nomination, context)


def step(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    """One step of a form in steps: its own fields, laid over the saved working copy."""
    nomination, award = _nomination(request, reference)
    now = timezone.now()
    # Asked for any award, not only one in steps: a page opened before the office changed the
    # award's layout still saves what it sends.
    found = steps.step_at(award, number)
    if found is None:
        raise Http404("No such step")
    if nomination.closed_to_nominator or not nomination.is_open(now):
        return _read_only(request, nomination, award)
    current, all_steps = found
    if request.method != "POST":
        saved = selectors.working_copy(nomination)
        forms_ = nomination_forms(nomination, saved=saved)
        return _step_page(request, nomination, award, current, all_steps, *forms_, files=saved[1])

    identity_form, award_form = nomination_forms(
        nomination, post=request.POST, uploads=request.FILES, only=current.fields
    )
    going_on = "continue" in request.POST
    valid = going_on and not (current.fields & _error_fields(identity_form, award_form))
    try:
        _save_draft(request, nomination, identity_form, award_form, now, step_done=current.key if valid else None)
    except domain.NominationClosed:
        return _read_only(request, nomination, award)
    if going_on and not valid:
        return _step_page(request, nomination, award, current, all_steps, identity_form, award_form)
    if not going_on:
        award_form.full_clean()
        if current.fields & {name for name in award_form.errors if name in request.FILES}:
            return _step_page(
                request, nomination, award, current, all_steps, identity_form, award_form, only_files=True
            )
        messages.info(
            request,
            f"Your nomination was saved at {_local_time(now, award.programme)}: use the link we emailed you "
            "to come back to it.",
        )
        return redirect("nominations:edit", nomination.reference)
    if current.number < len(all_steps):
        return redirect("nominations:step", nomination.reference, current.number + 1)
    return redirect("nominations:edit", nomination.reference)


def _error_fields(identity_form, award_form) -> set[str]:
    identity_form.is_valid()
    award_form.is_valid()
    return set(identity_form.errors) | set(award_form.errors)


def _step_page(request, nomination, award, current, all_steps, identity_form, award_form, files=None, only_files=False):
    # Only this step's errors are said here (a refused upload alone, when saving for later):
    # the others belong to steps the nominator has not reached yet.
    for form in (identity_form, award_form):
        if form.is_bound:
            for name in list(form.errors):
                if name not in current.fields or (only_files and name not in request.FILES):
                    del form.errors[name]
    if current.section is not None:
        award_form.show_only(current.section)
    response = _edit_page(
        request,
        nomination,
        award,
        identity_form,
        award_form,
        files=files,
        template="nominations/step.html",
        extra={
            "step": current,
            "step_count": len(all_steps),
            "nothing_asked": current.section is not None and not award_form.asked_here(current.section),
            "waiting_on": steps.waiting_on(award_form, current),
            "autosave_url": reverse("nominations:autosave", args=[nomination.reference]) + f"?step={current.number}",
        },
    )
    return response


def _edit_page(
    request,
    nomination,
    award,
    identity_form,
    award_form,
    status=200,
    files=None,
    template="nominations/edit.html",
    extra=None,
):
    now = timezone.now()
    files = selectors.stored_files(nomination) if files is None else files
    for question in award_form.questions:
        if question.key in files:
            name = field_name(question)
            award_form.fields[name].help_text = format_html(
                '{}<p class="nhsuk-body-s">Saved file: {}. Choose another file only if you want to replace it.</p>',
                award_form.fields[name].help_text,
                files[question.key][1],
            )
    context = (
        {
            "nomination": nomination,
            "identity_form": identity_form,
            "award_form": award_form,
            "closes": _local_when(nomination.closes_at, award.programme),
            "saved_at": _local_time(nomination.last_saved_at, award.programme) if nomination.last_saved_at else "",
            "autosave_url": reverse("nominations:autosave", args=[nomination.reference]),
            "is_open": nomination.is_open(now),
        }
        | _statements(nomination, now)
        | (extra or {})
    )
    return _page(request, template, nomination, context, status=status)


def edit(request: HttpRequest, reference: str) -> HttpResponse:
    nomination, award = _nomination(request, reference)
    now = timezone.now()
    if nomination.closed_to_nominator or not nomination.is_open(now):
        return _read_only(request, nomination, award)
    if request.method != "POST":
        if award.stepped:
            return _task_list(request, nomination, award)
        saved = selectors.working_copy(nomination)
        return _edit_page(request, nomination, award, *nomination_forms(nomination, saved=saved), files=saved[1])

    identity_form, award_form = nomination_forms(nomination, post=request.POST, uploads=request.FILES)
    try:
        _save_draft(request, nomination, identity_form, award_form, now)
    except domain.NominationClosed:
        return _read_only(request, nomination, award)
    if "continue" in request.POST:
        if identity_form.is_valid() & award_form.is_valid():
            return redirect("nominations:check", nomination.reference)
        return _edit_page(request, nomination, award, identity_form, award_form)
    # Saved for later: any upload that was refused is said next to its question, and nothing else is.
    award_form.full_clean()
    refused = {name for name in award_form.errors if name in request.FILES}
    if refused:
        for name in list(award_form.errors):
            if name not in refused:
                del award_form.errors[name]
        saved_identity = nomination_forms(nomination)[0]
        return _edit_page(request, nomination, award, saved_identity, award_form)
    messages.info(
        request,
        # The time ends "a.m." or "p.m.": the sentence goes on after it, so no doubled full stop.
        f"Your nomination was saved at {_local_time(now, award.programme)}: use the link we emailed you "
        "to come back to it.",
    )
    return redirect("nominations:edit", nomination.reference)


@require_POST
def autosave(request: HttpRequest, reference: str) -> JsonResponse:
    # Every few seconds for everyone writing: the award as read with the nomination, and its
    # questions in one more query (nominations.selectors.award_for_draft).
    nomination = access.nomination_for_nominator(request, reference)
    award = nomination.award = selectors.award_for_draft(nomination.award)
    now = timezone.now()
    found = steps.step_at(award, _number(request.GET.get("step"))) if "step" in request.GET else None
    if found is not None:
        # A step's page sends its own fields: the rest keep what is saved.
        identity_form, award_form = nomination_forms(
            nomination, post=request.POST, uploads=request.FILES, only=found[0].fields
        )
    else:
        # A draft is saved without validating, so the saved uploads (which only validation reads) are not needed.
        identity_form, award_form = nomination_forms(
            nomination, post=request.POST, uploads=request.FILES, saved=({}, {})
        )
    try:
        applied = _save_draft(request, nomination, identity_form, award_form, now)
    except (domain.NominationClosed, domain.NotEditable):
        return JsonResponse({"error": "This nomination can no longer be changed."}, status=409)
    return JsonResponse({"saved_at": _local_time(nomination.last_saved_at, award.programme), "applied": applied})


def _number(text) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0


def _read_only(request, nomination, award):
    now = timezone.now()
    context = {
        "nomination": nomination,
        "closed": not nomination.is_open(now),
        "closes": _local_when(nomination.closes_at, award.programme),
        "identity": selectors.identity_rows(nomination) if nomination.submitted_at else [],
        "sections": selectors.submitted_rows(nomination, award),
        "drafts": _draft_rows(nomination, award) if nomination.status == Nomination.Status.DRAFT else [],
    } | _statements(nomination, now)
    return _page(request, "nominations/read_only.html", nomination, context)


def _draft_rows(nomination, award):
    drafts = selectors.drafts_of(nomination)
    rows = []
    for section in award.sections.all():
        answered = [
            (q, selectors.display_value(q, drafts.get(q.key)))
            for q in section.questions.all()
            if drafts.get(q.key) not in (None, "", [])
        ]
        if answered:
            rows.append((section, answered))
    return rows


def check(request: HttpRequest, reference: str) -> HttpResponse:
    nomination, award = _nomination(request, reference)
    if not nomination.is_open(timezone.now()) or nomination.closed_to_nominator:
        return redirect("nominations:edit", nomination.reference)
    identity_form, award_form = nomination_forms(nomination, bind_saved=True)
    if not (identity_form.is_valid() & award_form.is_valid()):
        return _problems_page(request, nomination, award, identity_form, award_form)
    answers = award_form.answers()
    edit_url = reverse("nominations:edit", args=[nomination.reference])
    form_steps = steps.form_steps(award) if award.stepped else []
    # A file is shown by the name it was uploaded with, not the name storage gave it.
    file_names = {key: name for key, (_file, name) in selectors.stored_files(nomination).items()}
    sections = []
    for section, questions in award_form.sections:
        rows = [
            (
                q,
                file_names.get(q.key, "") if is_file(q) else selectors.display_value(q, stored(q, answers[q.key])),
            )
            for q in questions
            if q.key in answers
        ]
        if rows:
            in_steps = form_steps and steps.step_of_section(form_steps, section)
            change_url = (
                reverse("nominations:step", args=[nomination.reference, in_steps.number]) if in_steps else edit_url
            )
            sections.append((section, rows, change_url))
    preview = Nomination(**identity_form.identity())
    context = {
        "nomination": nomination,
        "identity_change_url": reverse("nominations:step", args=[nomination.reference, 1]) if form_steps else edit_url,
        "identity": selectors.identity_rows(preview),
        "sections": sections,
        "closes": _local_when(nomination.closes_at, award.programme),
    }
    return _page(request, "nominations/check.html", nomination, context)


@require_POST
@ratelimit(key="ip", rate="300/h", method="POST", block=True)
def submit(request: HttpRequest, reference: str) -> HttpResponse:
    nomination, award = _nomination(request, reference)
    try:
        domain.nomination_submit(nomination=nomination, now=timezone.now())
    except domain.SubmissionProblems as problems:
        return _problems_page(request, nomination, award, problems.identity_form, problems.award_form)
    except (domain.NominationClosed, domain.NotEditable):
        return _read_only(request, nomination, award)
    return redirect("nominations:submitted", nomination.reference)


def submitted(request: HttpRequest, reference: str) -> HttpResponse:
    nomination = access.nomination_for_nominator(request, reference)
    if nomination.status != Nomination.Status.SUBMITTED:
        return redirect("nominations:edit", nomination.reference)
    context = {
        "nomination": nomination,
        "closes": _local_when(nomination.closes_at, nomination.award.programme),
    } | _statements(nomination, timezone.now(), resend_next="submitted")
    return _page(request, "nominations/submitted.html", nomination, context)


def receipt(request: HttpRequest, reference: str) -> HttpResponse:
    nomination = access.nomination_for_nominator(request, reference)
    if nomination.submitted_at is None:
        raise Http404("Not submitted yet")
    pdf = render_pdf("nominations/receipt_pdf.html", selectors.receipt_context(nomination))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{nomination.reference}.pdf"'
    return response


def withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    nomination = access.nomination_for_nominator(request, reference)
    award = nomination.award
    if nomination.closed_to_nominator:
        return redirect("nominations:edit", nomination.reference)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["confirm"] == "no":
            return redirect("nominations:edit", nomination.reference)
        try:
            domain.nomination_withdraw(nomination=nomination, now=timezone.now())
        except (domain.NominationClosed, domain.NotEditable):
            return _read_only(request, nomination, selectors.award_for_form(award.pk))
        messages.info(request, f"Nomination {nomination.reference} has been withdrawn. It will not be judged.")
        return redirect("nominations:edit", nomination.reference)
    return _page(request, "nominations/withdraw.html", nomination, {"nomination": nomination, "form": form})


def uploaded_file(request: HttpRequest, reference: str, question_key: str) -> FileResponse:
    nomination = access.nomination_for_nominator(request, reference)
    stored = selectors.stored_files(nomination).get(question_key)
    if stored is None:
        raise Http404("No file")
    stored, name = stored
    return private_download(stored, name)


CONSENT_SESSION_KEY = "plaudit_consent"


def consent(request: HttpRequest, token: str) -> HttpResponse:
    """The nominee's emailed link: exchanged at once for their session, then on to an address
    without the token (which would otherwise sit in access logs and browser history)."""
    nomination = domain.consent_find(token=token, now=timezone.now())
    return _key_for_session(request, nomination, CONSENT_SESSION_KEY, "nominations:consent_page", "consent")


def _key_for_session(request, found, session_key: str, page: str, kind: str) -> HttpResponse:
    """An emailed key (a nominee's, a referee's) exchanged for the session, and the browser sent
    on to `page` without it (which would otherwise sit in access logs and browser history)."""
    if found is None:
        return render(request, "nominations/link_invalid.html", {kind: True}, status=404)
    request.session[session_key] = found.pk
    request.session.cycle_key()
    return redirect(page)


@ratelimit(key="ip", rate="60/h", method="POST", block=True)
def consent_page(request: HttpRequest) -> HttpResponse:
    """The nominee answers once; afterwards the page shows their answer. The awards office
    records any change they ask for."""
    nomination = (
        Nomination.objects.select_related("award__programme")
        .filter(pk=request.session.get(CONSENT_SESSION_KEY) or 0)
        .first()
    )
    if nomination is None or _consent_expired(nomination):
        return render(request, "nominations/link_invalid.html", {"consent": True}, status=404)
    decided = nomination.consent_status in (Nomination.Consent.CONFIRMED, Nomination.Consent.DECLINED)
    if decided or nomination.consent_status == Nomination.Consent.NOT_NEEDED:
        return _page(request, "nominations/consent_done.html", nomination, {"nomination": nomination})
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            domain.consent_respond(
                nomination=nomination,
                agree=form.cleaned_data["decision"] == "agree",
                remove_data=form.cleaned_data["remove_data"],
                now=timezone.now(),
            )
        except domain.ConsentDecided:
            pass  # answered in another tab a moment ago: show that answer
        nomination.refresh_from_db()
        return _page(request, "nominations/consent_done.html", nomination, {"nomination": nomination})
    return _page(request, "nominations/consent.html", nomination, {"nomination": nomination, "form": form})


def _consent_expired(nomination: Nomination) -> bool:
    expires = domain.consent_link_expires_at(nomination)
    return expires is not None and timezone.now() >= expires


STATEMENT_SESSION_KEY = "plaudit_statement"


def statement_open(request: HttpRequest, token: str) -> HttpResponse:
    """The referee's emailed link: exchanged for their session, then on to an address without it."""
    endorsement = endorsements.find(token, timezone.now())
    return _key_for_session(request, endorsement, STATEMENT_SESSION_KEY, "nominations:statement", "statement")


@ratelimit(key="ip", rate="60/h", method="POST", block=True)
def statement(request: HttpRequest) -> HttpResponse:
    """The referee writes their statement or uploads a letter, once, with the nomination's summary
    (who nominated whom for what, and what the nominator chose to tell them) for context."""
    now = timezone.now()
    endorsement = (
        Endorsement.objects.select_related("nomination__award__programme", "question")
        .filter(pk=request.session.get(STATEMENT_SESSION_KEY) or 0)
        .first()
    )
    if endorsement is None:
        return render(request, "nominations/link_invalid.html", {"statement": True}, status=404)
    nomination = endorsement.nomination
    context = {"endorsement": endorsement, "nomination": nomination}
    if endorsement.status == Endorsement.Status.RECEIVED:
        return _page(request, "nominations/statement_done.html", nomination, context)
    if not endorsements.is_open(endorsement, now):
        return render(request, "nominations/link_invalid.html", {"statement": True}, status=404)
    form = StatementForm(
        request.POST or None,
        request.FILES or None,
        endorsement=endorsement,
        words=endorsements.words_allowed(endorsement),
        file_types=endorsements.letter_types(endorsement),
    )
    if request.method == "POST" and form.is_valid():
        try:
            endorsements.statement_submit(
                endorsement=endorsement,
                text=form.cleaned_data["statement"] or "",
                letter=form.cleaned_data["letter"],
                now=now,
            )
        except endorsements.StatementClosed:
            pass  # given in another tab a moment ago, or the deadline has just passed
        endorsement.refresh_from_db()
        if endorsement.status == Endorsement.Status.RECEIVED:
            return _page(request, "nominations/statement_done.html", nomination, context)
        return render(request, "nominations/link_invalid.html", {"statement": True}, status=404)
    context |= {"form": form, "closes": _local_when(endorsements.deadline(endorsement), nomination.award.programme)}
    return _page(request, "nominations/statement.html", nomination, context)


@require_POST
@ratelimit(key="ip", rate="30/h", method="POST", block=True)
def statement_resend(request: HttpRequest, reference: str, endorsement_id: int) -> HttpResponse:
    """The nominator sends a referee's request again (a new link; the old one stops working)."""
    nomination = access.nomination_for_nominator(request, reference)
    endorsement = get_object_or_404(nomination.endorsements, pk=endorsement_id)
    try:
        endorsements.request_again(endorsement, timezone.now())
    except endorsements.StatementClosed:
        messages.info(request, f"{endorsement.referee_name} can no longer be asked: the request is closed.")
    except endorsements.TooSoon:
        messages.info(request, f"We sent {endorsement.referee_name} the request a few minutes ago. Try again later.")
    else:
        messages.info(request, f"We have sent the request to {endorsement.referee_name} again.")
    return redirect(
        request.POST.get("next") == "submitted" and "nominations:submitted" or "nominations:edit", reference
    )


def statement_stop(request: HttpRequest, token: str) -> HttpResponse:
    """The link in a referee's reminder: asks first (mail scanners follow links), then stops them."""
    endorsement = reminders.statement_stop_resolve(token)
    if endorsement is None:
        return render(request, "nominations/link_invalid.html", {"statement": True}, status=404)
    stopped = False
    if request.method == "POST":
        reminders.statement_reminders_stop(endorsement, timezone.now())
        stopped = True
    return render(request, "nominations/statement_stop.html", {"stopped": stopped, "endorsement": endorsement})
