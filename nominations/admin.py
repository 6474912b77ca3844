from csp.constants import SELF as CSP_SELF
from csp.decorators import csp_replace
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.views.decorators.clickjacking import xframe_options_sameorigin

from audit import log as audit
from awards import access as award_access
from awards.admin import AwardAdmin, ProgrammeScoped
from awards.models import Award
from plaudit import spreadsheets
from plaudit.admin_labels import LabelledInputs
from plaudit.ids import ID_MAX, posted_id
from plaudit.storage import private_download

from . import domain, endorsements, exports, screening, selectors
from .builder import AwardForm, is_file
from .dossiers import likely_duplicates
from .models import Dossier, Endorsement, Nomination


class DossierFilter(admin.SimpleListFilter):
    title = "dossier"
    parameter_name = "in_dossier"

    def lookups(self, request, model_admin):
        return [("yes", "In a dossier"), ("no", "Not in a dossier")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(dossier__isnull=False)
        if self.value() == "no":
            return queryset.filter(dossier__isnull=True)
        return queryset


class ScreeningFilter(admin.SimpleListFilter):
    title = "screening"
    parameter_name = "screening"

    def lookups(self, request, model_admin):
        return [("to_screen", "To screen"), ("eligible", "Screened eligible"), ("not_eligible", "Not eligible")]

    def queryset(self, request, queryset):
        submitted = queryset.filter(status=Nomination.Status.SUBMITTED)
        if self.value() == "to_screen":
            return submitted.filter(screened_at__isnull=True)
        if self.value() == "eligible":
            return submitted.filter(screened_at__isnull=False)
        if self.value() == "not_eligible":
            return queryset.filter(status=Nomination.Status.INELIGIBLE)
        return queryset


class ScreeningForm(forms.Form):
    """The reason for marking the chosen nominations not eligible, from their programme's list."""

    reason = forms.ChoiceField(
        label="Why are they not eligible?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the nominations are not eligible"},
        help_text="Kept with each nomination and shown to its nominator. The programme's page lists the reasons offered.",
    )

    def __init__(self, *args, reasons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [(reason, reason) for reason in reasons]


class IneligibleForm(forms.Form):
    reason = forms.CharField(
        label="Why is this nomination not eligible?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the nomination and shown to the nominator.",
    )


class ConsentRecordForm(forms.Form):
    """The nominee's answer, given to the office by phone, email or letter, or a change they ask for."""

    decision = forms.ChoiceField(
        label="The nominee's answer",
        choices=[("agree", "They agree to be considered"), ("decline", "They do not want to be considered")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the nominee's answer"},
    )
    remove_data = forms.BooleanField(
        label="They also asked for their details to be removed from the nomination", required=False
    )
    how = forms.ChoiceField(
        label="How they told you",
        choices=[("phone", "By phone"), ("email", "By email"), ("letter", "By letter"), ("in person", "In person")],
        error_messages={"required": "Choose how the nominee told you"},
    )
    note = forms.CharField(
        label="Note",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="When and how they told you, and who took the message. Kept in the audit log.",
        error_messages={"required": "Say how and when the nominee told you"},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("remove_data") and cleaned.get("decision") == "agree":
            self.add_error("remove_data", "Details are removed only when the nominee declines")
        return cleaned


@admin.register(Nomination)
class NominationAdmin(ProgrammeScoped, LabelledInputs, admin.ModelAdmin):
    list_display = (
        "reference",
        "award",
        "nominee",
        "nominator_email",
        "status",
        "consent_status",
        "dossier",
        "submitted_at",
    )
    list_filter = ("award", "status", ScreeningFilter, "consent_status", DossierFilter)
    search_fields = (
        "reference",
        "nominee_name",
        "nominee_email",
        "nominee_organisation",
        "nominator_name",
        "nominator_email",
    )
    list_select_related = ("award", "dossier")
    date_hierarchy = "submitted_at"
    actions = [
        "screen_eligible",
        "screen_not_eligible",
        "merge_into_dossier",
        "remove_from_dossier",
        "resend_consent_request",
    ]
    change_list_template = "admin/nominations/nomination/change_list.html"
    change_form_template = "admin/nominations/nomination/change_form.html"
    fieldsets = (
        (None, {"fields": ("reference", "award", "status", "ineligible_reason", "deadline_override")}),
        (
            "Who",
            {
                "fields": (
                    "nominee_kind",
                    "nominee_name",
                    "nominee_job_title",
                    "nominee_organisation",
                    "nominee_email",
                    "self_nomination",
                    "nominator_name",
                    "nominator_email",
                    "nominator_organisation",
                    "nominator_relationship",
                )
            },
        ),
        ("Consent", {"fields": ("consent_status", "consent_responded_at", "nominee_data_removed_at")}),
        ("Answers as submitted", {"fields": ("answers",)}),
        (
            "History",
            {
                "fields": (
                    "dossier",
                    "created_at",
                    "last_saved_at",
                    "submitted_at",
                    "withdrawn_at",
                    "has_unsubmitted_changes",
                )
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        # Nominators own their words; the office changes only the deadline and eligibility (with a reason).
        editable = {"deadline_override"}
        return [f for fieldset in self.fieldsets for f in fieldset[1]["fields"] if f not in editable]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Nominee", ordering="nominee_name")
    def nominee(self, nomination):
        return nomination.display_nominee

    @admin.display(description="Answers")
    def answers(self, nomination):
        rows = []
        for section, answered in selectors.submitted_rows(nomination):
            for question, value in answered:
                if is_file(question) and value:
                    url = reverse("admin:nominations_nomination_file", args=[nomination.pk, question.key])
                    shown = format_html('<a href="{}">{}</a>', url, value)
                else:
                    shown = format_html("{}", value)
                rows.append((section.title or "", question.prompt, shown))
        if not rows:
            return "Not submitted yet."
        return format_html(
            "<dl>{}</dl>",
            format_html_join(
                "",
                '<dt><strong>{}</strong></dt><dd style="white-space: pre-wrap; margin-bottom: 1em">{}</dd>',
                ((p, v) for _, p, v in rows),
            ),
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("export/", view(self.export_view), name="nominations_nomination_export"),
            path("duplicates/", view(self.duplicates_view), name="nominations_nomination_duplicates"),
            path("<int:pk>/ineligible/", view(self.ineligible_view), name="nominations_nomination_ineligible"),
            path("<int:pk>/consent/", view(self.consent_view), name="nominations_nomination_consent"),
            path("<int:pk>/files/<slug:key>/", view(self.file_view), name="nominations_nomination_file"),
            *super().get_urls(),
        ]

    def _awards(self, request):
        """The awards whose nominations this person may read as the office."""
        return award_access.in_programmes(Award.objects.all(), request.user)

    def _award_from(self, request) -> Award | None:
        award_id = request.GET.get("award") or request.GET.get("award__id__exact")
        if posted_id(award_id, maximum=ID_MAX) is None:
            return None
        return self._awards(request).filter(pk=award_id).select_related("programme").first()

    def _nomination(self, request, pk, *, change=False) -> Nomination:
        """A nomination of this person's programmes (404 otherwise); to change it, their manager (403)."""
        nomination = get_object_or_404(self.get_queryset(request), pk=pk)
        allowed = (
            self.has_change_permission(request, nomination) if change else self.has_view_permission(request, nomination)
        )
        if not allowed:
            raise PermissionDenied
        return nomination

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        award = self._award_from(request)
        if award is None:
            awards = (
                self._awards(request)
                .annotate(count=Count("nominations"))
                .filter(count__gt=0)
                .select_related("programme")
            )
            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Export nominations",
                "awards": awards,
            }
            return render(request, "admin/nominations/nomination/export_choose.html", context)
        header, rows = exports.table(award, self.get_queryset(request))
        stem = f"{award.slug}-nominations"
        audit.record(
            audit.Action.EXPORT,
            f"Nominations of {award.title} exported ({len(rows)} rows, {request.GET.get('format') or 'csv'})",
            actor=request.user,
            subject=f"award:{award.pk}",
        )
        if request.GET.get("format") == "xlsx":
            response = HttpResponse(
                spreadsheets.to_xlsx(header, rows, award.title),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
        else:
            response = HttpResponse(spreadsheets.to_csv(header, rows), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        return response

    def duplicates_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        award = self._award_from(request)
        if request.method == "POST":
            ids = [pk for pk in (posted_id(v, maximum=ID_MAX) for v in request.POST.getlist("nomination")) if pk]
            chosen = list(self.managed(request, self.get_queryset(request)).filter(pk__in=ids))
            try:
                dossier = domain.dossier_merge(nominations=chosen, by=request.user)
            except ValueError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, f"Merged into the dossier “{dossier.title}”.", messages.SUCCESS)
            return redirect(
                f"{reverse('admin:nominations_nomination_duplicates')}?award={request.POST.get('award', '')}"
            )
        queryset = self.get_queryset(request).select_related("award")
        if award:
            queryset = queryset.filter(award=award)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Possible duplicate nominees",
            "award": award,
            "awards": self._awards(request).filter(nominations__isnull=False).distinct(),
            "candidates": likely_duplicates(list(queryset)),
        }
        return render(request, "admin/nominations/nomination/duplicates.html", context)

    def ineligible_view(self, request, pk):
        nomination = self._nomination(request, pk, change=True)
        form = IneligibleForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                domain.nomination_mark_ineligible(
                    nomination=nomination, reason=form.cleaned_data["reason"], by=request.user
                )
            except domain.NotEditable as refused:
                self.message_user(request, str(refused), messages.ERROR)
            else:
                self.message_user(request, f"{nomination.reference} is marked not eligible.", messages.SUCCESS)
            return redirect("admin:nominations_nomination_change", nomination.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Mark {nomination.reference} not eligible",
            "form": form,
            "nomination": nomination,
            "original": nomination,
        }
        return render(request, "admin/nominations/nomination/ineligible.html", context)

    def consent_view(self, request, pk):
        """Record the nominee's answer given to the office (or a change they ask for), audited with a note."""
        nomination = self._nomination(request, pk, change=True)
        form = ConsentRecordForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            domain.consent_respond(
                nomination=nomination,
                agree=data["decision"] == "agree",
                remove_data=data["remove_data"],
                now=timezone.now(),
                by=request.user,
                note=f"{dict(form.fields['how'].choices)[data['how']]}: {data['note'].strip()}",
            )
            self.message_user(
                request, f"The nominee's answer for {nomination.reference} is recorded.", messages.SUCCESS
            )
            return redirect("admin:nominations_nomination_change", nomination.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Record the nominee's answer for {nomination.reference}",
            "form": form,
            "nomination": nomination,
            "original": nomination,
        }
        return render(request, "admin/nominations/nomination/consent.html", context)

    @admin.action(description="Screening: mark the selected nominations eligible", permissions=["change"])
    def screen_eligible(self, request, queryset):
        done = screening.screen(
            nominations=self.managed(request, queryset), eligible=True, by=request.user, now=timezone.now()
        )
        self._screened(request, done, "eligible")

    @admin.action(description="Screening: mark the selected nominations not eligible…", permissions=["change"])
    def screen_not_eligible(self, request, queryset):
        """Asks for the reason (from the programme's list) on a page of its own, then marks them."""
        queryset = self.managed(request, queryset).select_related("award__programme")
        programmes = {nomination.award.programme for nomination in queryset}
        if len(programmes) != 1:
            self.message_user(
                request, "Choose nominations of one programme: each programme has its own reasons.", messages.ERROR
            )
            return None
        programme = programmes.pop()
        form = ScreeningForm(request.POST if "apply" in request.POST else None, reasons=programme.reasons)
        if form.is_valid():
            try:
                done = screening.screen(
                    nominations=queryset,
                    eligible=False,
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                    now=timezone.now(),
                )
            except screening.ScreeningRefused as refused:
                form.add_error("reason", str(refused))
            else:
                self._screened(request, done, f"not eligible ({form.cleaned_data['reason']})")
                return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Mark {queryset.count()} nominations not eligible",
            "form": form,
            "nominations": queryset.order_by("reference"),
            "programme": programme,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return render(request, "admin/nominations/nomination/screen.html", context)

    def _screened(self, request, done, what: str):
        self.message_user(
            request,
            f"{done.marked} {'nomination' if done.marked == 1 else 'nominations'} marked {what}"
            + (f"; {done.skipped} not submitted (drafts or withdrawn) left as they were" if done.skipped else "")
            + ".",
            messages.SUCCESS if done.marked else messages.WARNING,
        )

    @admin.action(description="Send the consent request to the nominee again (new link)", permissions=["change"])
    def resend_consent_request(self, request, queryset):
        queryset = self.managed(request, queryset)
        sent = sum(domain.consent_request_send(nomination=nomination, by=request.user) for nomination in queryset)
        skipped = queryset.count() - sent
        self.message_user(
            request,
            f"Sent to {sent} {'nominee' if sent == 1 else 'nominees'}"
            + (f"; {skipped} not waiting for an answer (or without an email address)" if skipped else "")
            + ".",
            messages.SUCCESS if sent else messages.WARNING,
        )

    def file_view(self, request, pk, key):
        nomination = self._nomination(request, pk)
        answer = nomination.answers.filter(question__key=key).first()
        if answer is None or not answer.file:
            raise Http404("No file")
        return private_download(answer.file, answer.file_name)

    @admin.action(description="Merge the selected nominations into one dossier", permissions=["change"])
    def merge_into_dossier(self, request, queryset):
        queryset = self.managed(request, queryset)
        try:
            dossier = domain.dossier_merge(nominations=list(queryset), by=request.user)
        except ValueError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, f"Merged into the dossier “{dossier.title}”.", messages.SUCCESS)

    @admin.action(description="Take the selected nominations out of their dossier", permissions=["change"])
    def remove_from_dossier(self, request, queryset):
        queryset = self.managed(request, queryset)
        for nomination in queryset:
            domain.dossier_split(nomination=nomination, by=request.user)
        self.message_user(request, "Taken out of their dossiers.", messages.SUCCESS)


@admin.register(Dossier)
class DossierAdmin(ProgrammeScoped, LabelledInputs, admin.ModelAdmin):
    list_display = ("title", "award", "size")
    list_filter = ("award",)
    search_fields = ("title",)
    readonly_fields = ("award", "members")
    fields = ("title", "award", "members")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("award").annotate(member_count=Count("nominations"))

    def has_add_permission(self, request):
        return False

    @admin.display(description="Nominations", ordering="member_count")
    def size(self, dossier):
        return dossier.member_count

    @admin.display(description="Nominations in this dossier")
    def members(self, dossier):
        return format_html_join(
            ", ",
            '<a href="{}">{}</a> ({})',
            (
                (reverse("admin:nominations_nomination_change", args=[n.pk]), n.reference, n.nominator_name)
                for n in dossier.nominations.order_by("reference")
            ),
        )


class AwardWithPreviewAdmin(AwardAdmin):
    """The award's admin with "Preview the nomination form": the form is built by this app's form
    builder, so the preview is added here, above awards, which knows nothing of nominations."""

    def get_urls(self):
        return [
            path("<int:pk>/preview/", self.admin_site.admin_view(self.preview_view), name="awards_award_preview"),
            *super().get_urls(),
        ]

    @method_decorator(xframe_options_sameorigin)
    @method_decorator(csp_replace({"frame-ancestors": [CSP_SELF]}))
    def preview_view(self, request, pk):
        """The nomination form exactly as nominators will see it; submitting only checks the answers.
        The award builder shows it beside the form's parts, so this page (only) may be framed by the site."""
        award = get_object_or_404(award_access.award_with_questions(self.get_queryset(request)), pk=pk)
        if not self.has_view_permission(request, award):
            raise PermissionDenied
        form = AwardForm(request.POST or None, request.FILES or None, award=award)
        checked = request.method == "POST" and form.is_valid()
        context = {
            "award": award,
            "programme": award.programme,
            "form": form,
            "checked": checked,
            "header_name": award.programme.organiser,
            "contact_email": award.programme.contact_email,
        }
        return render(request, "awards/preview.html", context)


admin.site.unregister(Award)
admin.site.register(Award, AwardWithPreviewAdmin)


@admin.register(Endorsement)
class EndorsementAdmin(ProgrammeScoped, admin.ModelAdmin):
    """Supporting statements asked of referees: who, for which nomination, and whether they have
    arrived; the office sends a request again from here. Referees own their words: read only."""

    list_display = (
        "nomination",
        "referee_name",
        "referee_role",
        "referee_email",
        "status",
        "requested_at",
        "received_at",
    )
    list_filter = ("status", "nomination__award")
    search_fields = ("nomination__reference", "referee_name", "referee_email")
    list_select_related = ("nomination",)
    actions = ["request_again"]
    fields = (
        "nomination",
        "question",
        "referee_name",
        "referee_role",
        "referee_email",
        "note",
        "status",
        "requested_at",
        "last_sent_at",
        "times_sent",
        "received_at",
        "statement",
        "letter_name",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Send the request to the referee again (new link)", permissions=["change"])
    def request_again(self, request, queryset):
        sent, skipped = 0, 0
        for endorsement in self.managed(request, queryset).select_related("nomination__award"):
            try:
                endorsements.request_again(endorsement, timezone.now(), by=request.user)
                sent += 1
            except (endorsements.StatementClosed, endorsements.TooSoon):
                skipped += 1
        self.message_user(
            request,
            f"Sent to {sent} {'referee' if sent == 1 else 'referees'}"
            + (f"; {skipped} not sent (answered, closed, or sent in the last few minutes)" if skipped else "")
            + ".",
            messages.SUCCESS if sent else messages.WARNING,
        )
