from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from plaudit.admin_labels import LabelledInputs
from plaudit.ids import ID_MAX, USER_ID_MAX, posted_id
from plaudit.roles import is_office

from . import access, copying, format, office, publishing
from .admin_builder import AwardBuilder
from .changes import criteria_batch
from .forms import (
    CriterionAdminForm,
    CriterionInlineFormSet,
    ProgrammeAdminForm,
    QuestionAdminForm,
    QuestionInlineFormSet,
)
from .models import Award, Criterion, OfficeRole, Programme, Question, Section, Status


def scoped_choices(field, request):
    """A related form field narrowed to the rows the person may change (awards.access.in_programmes):
    what the page offers and what a POST may name are then the same. A relation to people, or to
    nothing of a programme's, is left as its field gives it."""
    if field is not None and access.programme_path(field.queryset.model) is not None:
        field.queryset = access.in_programmes(field.queryset, request.user, change=True)
    return field


class _ShowsTamperedIdsAsNone:
    """Django's autocomplete widget looks up the posted ids to show them again beside the field's
    errors, and a posted id that is no number ("abc"), or one past the column's range, was a
    server error there (its `__in` lookup has no range guard). Only ids that can be ids are looked
    up; the rest show as nothing chosen, and the field's own error says what was wrong."""

    def optgroups(self, name, value, attr=None):
        big = isinstance(self.field.remote_field.model._meta.pk, models.BigAutoField)
        value = [v for v in value if posted_id(v, maximum=ID_MAX if big else USER_ID_MAX) is not None]
        return super().optgroups(name, value, attr)


class SafeAutocompleteSelect(_ShowsTamperedIdsAsNone, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_ShowsTamperedIdsAsNone, AutocompleteSelectMultiple):
    pass


class ScopedChoices:
    """Mixed into every admin class and inline of the office's models: each foreign key and
    many-to-many is offered, drop-down or autocomplete alike, and accepted only among the rows of
    the programmes the person manages, whatever its name."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return scoped_choices(super().formfield_for_foreignkey(db_field, request, **kwargs), request)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return scoped_choices(super().formfield_for_manytomany(db_field, request, **kwargs), request)


class ProgrammeScoped(ScopedChoices):
    """Mixed into every admin class of the office's models: a programme manager or office viewer
    sees only their programmes' objects (anything else is "does not exist"), changes them only
    as a manager, chooses only among their managed programmes' rows, and filters lists only by
    what they see. The model permissions come from the groups (plaudit.roles); the programme
    from the model's own programme_path, through awards.access."""

    def get_queryset(self, request):
        return access.in_programmes(super().get_queryset(request), request.user)

    def programme_of(self, obj) -> int:
        value = obj
        path = access.programme_path(self.model)
        for part in path.split("__") if path else []:
            value = getattr(value, part)
        return value.pk

    def may_read(self, request, obj) -> bool:
        return access.is_office_for(request.user, self.programme_of(obj))

    def may_change(self, request, obj=None) -> bool:
        if obj is None:
            # Asked by every admin class on the front page and in the menu: once per request.
            if not hasattr(request, "_manages_a_programme"):
                request._manages_a_programme = (
                    is_office(request.user) or access.managed_programmes(request.user).exists()
                )
            return request._manages_a_programme
        return access.manages(request.user, self.programme_of(obj))

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (obj is None or self.may_read(request, obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.may_change(request, obj)

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and self.may_change(request)

    def managed(self, request, queryset):
        """The part of a queryset this person may change (an action on a mixed selection acts on that)."""
        return access.in_programmes(queryset, request.user, change=True)

    def get_list_filter(self, request):
        # A related field's filter lists only what the person's own rows point at: Django's plain
        # one lists every award, stage and draft title in the database.
        return [
            (item, admin.RelatedOnlyFieldListFilter)
            if isinstance(item, str) and _is_relation(self.model, item)
            else item
            for item in super().get_list_filter(request)
        ]


def _is_relation(model, lookup: str) -> bool:
    return get_fields_from_path(model, lookup)[-1].is_relation


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Award definition (YAML or JSON)",
        help_text="A file in the award format. Nothing is written unless the whole file is valid.",
    )
    force = forms.BooleanField(
        required=False,
        label="Retire questions and awards that already have answers instead of refusing",
        help_text="Their answers are kept; retired questions are marked inactive.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if getattr(upload, "too_large", False) or upload.size > format.MAX_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {format.MAX_BYTES // 1024:,} KB; an award definition is far smaller"
            )
        return upload


class PublishForm(forms.Form):
    """Which draft awards to publish, and when (in the programme's time zone)."""

    awards = forms.MultipleChoiceField(label="Awards to publish", widget=forms.CheckboxSelectMultiple, required=False)
    when = forms.ChoiceField(
        label="When",
        choices=[("now", "Now"), ("later", "At a date and time")],
        initial="now",
        widget=forms.RadioSelect,
    )
    at = forms.DateTimeField(
        label="Publish at",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text="Only for a programme not yet public; its awards published with it appear then.",
    )

    def __init__(self, *args, programme, drafts, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["awards"].choices = [(str(a.pk), a.title) for a in drafts]
        self.fields["at"].help_text = f"In {programme.timezone} time. " + self.fields["at"].help_text
        if programme.status != Status.DRAFT:
            del self.fields["when"], self.fields["at"]

    def clean_awards(self):
        chosen = self.cleaned_data["awards"]
        if not chosen:
            raise forms.ValidationError("Choose at least one award to publish.")
        return chosen

    def clean(self):
        data = super().clean()
        if data.get("when") == "later":
            at = data.get("at")
            if at is None:
                self.add_error("at", "Enter the date and time to publish at.")
            else:
                # The office types the programme's local time, wherever its browser is.
                at = timezone.make_aware(timezone.make_naive(at), self.programme.zone)
                if at <= timezone.now():
                    self.add_error("at", "Enter a date and time in the future, or publish now.")
                data["at"] = at
        else:
            data["at"] = None
        return data


class CopyForm(forms.Form):
    slug = forms.CharField(
        label="New programme's slug", max_length=100, help_text="Its address: lower-case letters, digits and hyphens."
    )
    name = forms.CharField(label="New programme's name", max_length=200)
    shift_years = forms.IntegerField(
        label="Move every date on by (years)",
        min_value=0,
        max_value=copying.MAX_SHIFT_YEARS,
        initial=1,
        help_text="Nomination windows and judging stages move by the same number of years.",
    )
    with_panels = forms.BooleanField(
        label="Copy each stage's judges and chairs too",
        required=False,
        help_text="Otherwise the new stages start with empty panels.",
    )

    def clean(self):
        data = super().clean()
        if {"slug", "name", "shift_years"} <= data.keys():
            problem = copying.copy_problem(slug=data["slug"], name=data["name"], years=data["shift_years"])
            if problem:
                self.add_error(problem[0], problem[1])
        return data


class StatusForm(forms.Form):
    action = forms.ChoiceField(choices=[("close", "close"), ("reopen", "reopen"), ("draft", "draft")])


STATUS_ACTIONS = {
    "close": (
        "Close the programme",
        "It stays on the public site, and takes no more nominations: drafts can no longer be changed or submitted.",
        publishing.close,
    ),
    "reopen": (
        "Reopen the programme",
        "Nominations follow its window again.",
        publishing.reopen,
    ),
    "draft": (
        "Return the programme to draft",
        "It leaves the public site, with all its awards, until it is published again.",
        publishing.return_to_draft,
    ),
}


def status_label(programme: Programme) -> str:
    if programme.scheduled:
        return f"Scheduled for {timezone.localtime(programme.publish_at, programme.zone):%d %b %Y %H:%M}"
    return programme.get_status_display()


class AwardInline(ScopedChoices, LabelledInputs, admin.TabularInline):
    model = Award
    fields = ("position", "title", "slug", "nominee", "active", "status", "edit_link")
    readonly_fields = ("status", "edit_link")
    extra = 0
    show_change_link = False

    @admin.display(description="Questions and criteria")
    def edit_link(self, award):
        if not award.pk:
            return "Save first"
        url = reverse("admin:awards_award_change", args=[award.pk])
        return format_html('<a href="{}">Edit {}</a>', url, award.title)


class OfficeRoleInline(ScopedChoices, LabelledInputs, admin.TabularInline):
    """Who works for the office on this programme; only superusers give or take these roles."""

    model = OfficeRole
    fields = ("user", "role")
    extra = 0
    verbose_name = "office role"
    verbose_name_plural = "Office roles (programme managers and office viewers)"

    def has_view_permission(self, request, obj=None):
        return is_office(request.user)

    has_add_permission = has_change_permission = has_delete_permission = lambda self, request, obj=None: is_office(
        request.user
    )


@admin.register(Programme)
class ProgrammeAdmin(ProgrammeScoped, LabelledInputs, admin.ModelAdmin):
    list_display = (
        "name",
        "slug",
        "status_display",
        "organiser",
        "nominations_open",
        "nominations_close",
        "award_count",
        "export_link",
    )
    list_filter = ("status",)
    search_fields = ("name", "slug", "organiser")
    prepopulated_fields = {"slug": ("name",)}
    form = ProgrammeAdminForm
    inlines = [AwardInline, OfficeRoleInline]
    change_list_template = "admin/awards/programme/change_list.html"
    change_form_template = "admin/awards/programme/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(active_awards=Count("awards", filter=Q(awards__active=True)))

    @admin.display(description="Awards", ordering="active_awards")
    def award_count(self, programme):
        return programme.active_awards

    @admin.display(description="Status", ordering="status")
    def status_display(self, programme):
        return status_label(programme)

    @admin.display(description="Definition")
    def export_link(self, programme):
        url = reverse("admin:awards_programme_export", args=[programme.pk])
        return format_html(
            '<a href="{}">Download YAML<span class="visually-hidden"> for {}</span></a>', url, programme.name
        )

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="awards_programme_import"),
            path("<int:pk>/export/", self.admin_site.admin_view(self.export_view), name="awards_programme_export"),
            path("<int:pk>/publish/", self.admin_site.admin_view(self.publish_view), name="awards_programme_publish"),
            path(
                "<int:pk>/status/<str:action>/",
                self.admin_site.admin_view(self.status_view),
                name="awards_programme_status",
            ),
            path("<int:pk>/copy/", self.admin_site.admin_view(self.copy_view), name="awards_programme_copy"),
            *super().get_urls(),
        ]

    def _programme(self, request, pk, *, change=False) -> Programme:
        """The programme, if this person is its office (404 otherwise); to change it, its manager (403)."""
        programme = get_object_or_404(self.get_queryset(request), pk=pk)
        allowed = (
            self.has_change_permission(request, programme) if change else self.has_view_permission(request, programme)
        )
        if not allowed:
            raise PermissionDenied
        return programme

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and not is_office(request.user):
            # A manager who creates a programme manages it.
            office.role_grant(obj, request.user, OfficeRole.Role.MANAGER, by=request.user)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is OfficeRole:
            # Groups and staff status follow the roles given or taken here.
            people = {f.instance.user for f in formset.forms if f.instance.user_id}
            for person in people:
                office.sync_groups(person)

    def export_view(self, request, pk):
        programme = self._programme(request, pk)
        response = HttpResponse(format.export_text(programme), content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{programme.slug}.yaml"'
        return response

    def _context(self, request, programme, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": programme,
            "title": title,
            **extra,
        }

    def publish_view(self, request, pk):
        """The pre-flight check and the publish form: blocks and warnings for the chosen drafts."""
        programme = self._programme(request, pk, change=True)
        drafts = publishing.drafts(programme)
        if request.method == "POST":
            form = PublishForm(request.POST, programme=programme, drafts=drafts)
        else:
            wanted = request.GET.getlist("awards") or [str(a.pk) for a in drafts]
            form = PublishForm(
                initial={"awards": wanted, "when": request.GET.get("when", "now"), "at": request.GET.get("at")},
                programme=programme,
                drafts=drafts,
            )
        chosen_ids = set(form.data.getlist("awards") if form.is_bound else form.initial["awards"])
        chosen = [a for a in drafts if str(a.pk) in chosen_ids]
        refused = ""
        if request.method == "POST" and form.is_valid():
            try:
                result = publishing.publish(programme, chosen, by=request.user, at=form.cleaned_data.get("at"))
            except (publishing.PublishBlocked, publishing.StatusRefused) as error:
                refused = str(error) if isinstance(error, publishing.StatusRefused) else ""
            else:
                programme.refresh_from_db()
                when = status_label(programme).lower() if programme.scheduled else "published"
                self.message_user(
                    request,
                    f"{', '.join(a.title for a in chosen)}: {when}."
                    + (f" {len(result.warnings)} warnings remain for you to look at." if result.warnings else ""),
                    messages.SUCCESS,
                )
                return redirect("admin:awards_programme_change", programme.pk)
        at = form.cleaned_data.get("at") if form.is_bound and form.is_valid() else None
        check = publishing.preflight(programme, chosen, when=at)
        return render(
            request,
            "admin/awards/programme/publish.html",
            self._context(
                request,
                programme,
                f"Publish {programme.name}",
                form=form,
                preflight=check,
                drafts=drafts,
                refused=refused,
                attempted=request.method == "POST",
            ),
        )

    def status_view(self, request, pk, action):
        """Close, reopen or return to draft, after a confirmation page that says what it means."""
        programme = self._programme(request, pk, change=True)
        if action not in STATUS_ACTIONS:
            raise PermissionDenied
        title, meaning, change = STATUS_ACTIONS[action]
        refused = ""
        if request.method == "POST":
            try:
                change(programme, by=request.user)
            except publishing.StatusRefused as error:
                refused = str(error)
            else:
                self.message_user(request, f"{title}: done.", messages.SUCCESS)
                return redirect("admin:awards_programme_change", programme.pk)
        return render(
            request,
            "admin/awards/programme/status.html",
            self._context(
                request, programme, f"{title}: {programme.name}", meaning=meaning, refused=refused, button=title
            ),
        )

    def copy_view(self, request, pk):
        """Copy the programme's set-up to next year, as a draft."""
        programme = self._programme(request, pk)
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = CopyForm(
            request.POST or None,
            initial={
                "slug": copying.next_slug(programme.slug, 1),
                "name": copying.next_name(programme.name, 1),
                "shift_years": 1,
            },
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                copy = copying.copy_programme(
                    programme,
                    slug=data["slug"],
                    name=data["name"],
                    years=data["shift_years"],
                    with_panels=data["with_panels"],
                    by=request.user,
                )
            except copying.CopyRefused as refused:
                form.add_error(refused.field or None, str(refused))
            else:
                if not is_office(request.user):
                    office.role_grant(copy, request.user, OfficeRole.Role.MANAGER, by=request.user)
                self.message_user(
                    request, f"Copied to {copy.name}, a draft: check it and publish it when ready.", messages.SUCCESS
                )
                return redirect("admin:awards_programme_change", copy.pk)
        return render(
            request,
            "admin/awards/programme/copy.html",
            self._context(request, programme, f"Copy {programme.name} to next year", form=form),
        )

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        problems = []
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                # Read no more than the format allows (and one byte more, so that a larger file is refused).
                definition = format.parse(format.load(form.cleaned_data["file"].read(format.MAX_BYTES + 1)))
                slug = definition["programme"]["slug"]
                exists = Programme.objects.filter(slug=slug).first()
                if exists and not access.manages(request.user, exists):
                    raise format.AwardFormatError(
                        [f"programme.slug: '{slug}' is a programme you do not manage; nothing was imported"]
                    )
                result = format.import_definition(definition, force=form.cleaned_data["force"], by=request.user)
            except format.AwardFormatError as error:
                problems = error.problems
            else:
                if result.created and not is_office(request.user):
                    office.role_grant(result.programme, request.user, OfficeRole.Role.MANAGER, by=request.user)
                verb = "Created" if result.created else "Updated"
                self.message_user(request, f"{verb} {result.programme.name}.", messages.SUCCESS)
                for retired in result.retired:
                    self.message_user(request, f"Retired {retired}; its answers are kept.", messages.WARNING)
                return redirect("admin:awards_programme_change", result.programme.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import an award definition",
            "form": form,
            "problems": problems,
        }
        return render(request, "admin/awards/programme/import.html", context)


class SectionInline(ScopedChoices, LabelledInputs, admin.TabularInline):
    model = Section
    fields = ("position", "title", "intro")
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["intro"].widget.attrs["rows"] = 2
        return formset


class QuestionInline(ScopedChoices, LabelledInputs, admin.StackedInline):
    model = Question
    form = QuestionAdminForm
    formset = QuestionInlineFormSet
    extra = 0
    fieldsets = (
        (None, {"fields": (("section", "position"), ("key", "type"), "prompt", "guidance", ("required", "active"))}),
        (
            "Options for this type",
            {
                "fields": (
                    "max_length",
                    ("min_words", "max_words"),
                    ("min_value", "max_value"),
                    "choices",
                    ("min_choices", "max_choices"),
                    "reportable",
                    "file_types",
                    "max_size_mb",
                )
            },
        ),
        ("Judges and conditions", {"fields": ("identifying", "visible_to_judges", ("show_if_key", "show_if_value"))}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("section")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        section_field = formset.form.base_fields["section"]
        section_field.queryset = obj.sections.all() if obj else Section.objects.none()
        section_field.help_text = "Save the award with a section first; then add its questions."
        return formset


class CriterionInline(ScopedChoices, LabelledInputs, admin.StackedInline):
    model = Criterion
    form = CriterionAdminForm
    formset = CriterionInlineFormSet
    extra = 0
    fields = (
        ("key", "position"),
        "title",
        "description",
        ("weight", "allow_na"),
        ("scale_min", "scale_max"),
        "levels",
        "question_keys",
    )

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        keys = obj.questions.filter(active=True).values_list("key", "prompt") if obj else []
        formset.form.base_fields["question_keys"].choices = [(key, f"{key}: {prompt[:80]}") for key, prompt in keys]
        return formset


@admin.register(Award)
class AwardAdmin(AwardBuilder, ProgrammeScoped, LabelledInputs, admin.ModelAdmin):
    list_display = ("title", "programme", "status", "nominee", "active", "question_count", "criterion_count")
    list_filter = ("programme", "status", "active")
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [SectionInline, QuestionInline, CriterionInline]
    change_form_template = "admin/awards/award/change_form.html"
    fieldsets = (
        (None, {"fields": ("programme", "title", "slug", "position", "active")}),
        ("Shown to nominators", {"fields": ("summary", "description", "nominee", "self_nomination", "stepped")}),
        ("Own nomination window (optional)", {"fields": ("nominations_open", "nominations_close")}),
    )

    def get_urls(self):
        return [*self.builder_urls(), *super().get_urls()]

    def save_related(self, request, form, formsets, change):
        # The criteria of the inline are announced once (stored totals recomputed once, not per criterion).
        with criteria_batch():
            super().save_related(request, form, formsets, change)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("programme")
            .annotate(
                question_total=Count("questions", filter=Q(questions__active=True), distinct=True),
                criterion_total=Count("criteria", distinct=True),
            )
        )

    @admin.display(description="Questions", ordering="question_total")
    def question_count(self, award):
        return award.question_total

    @admin.display(description="Criteria", ordering="criterion_total")
    def criterion_count(self, award):
        return award.criterion_total
