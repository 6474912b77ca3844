from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html

from plaudit.admin_labels import LabelledInputs

from . import format
from .changes import criteria_batch
from .forms import CriterionAdminForm, CriterionInlineFormSet, QuestionAdminForm, QuestionInlineFormSet
from .models import Award, Criterion, Programme, Question, Section


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


class AwardInline(LabelledInputs, admin.TabularInline):
    model = Award
    fields = ("position", "title", "slug", "nominee", "active", "edit_link")
    readonly_fields = ("edit_link",)
    extra = 0
    show_change_link = False

    @admin.display(description="Questions and criteria")
    def edit_link(self, award):
        if not award.pk:
            return "Save first"
        url = reverse("admin:awards_award_change", args=[award.pk])
        return format_html('<a href="{}">Edit {}</a>', url, award.title)


@admin.register(Programme)
class ProgrammeAdmin(LabelledInputs, admin.ModelAdmin):
    list_display = ("name", "slug", "organiser", "nominations_open", "nominations_close", "award_count", "export_link")
    search_fields = ("name", "slug", "organiser")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [AwardInline]
    change_list_template = "admin/awards/programme/change_list.html"
    change_form_template = "admin/awards/programme/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(active_awards=Count("awards", filter=Q(awards__active=True)))

    @admin.display(description="Awards", ordering="active_awards")
    def award_count(self, programme):
        return programme.active_awards

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
            *super().get_urls(),
        ]

    def export_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        programme = get_object_or_404(Programme, pk=pk)
        response = HttpResponse(format.export_text(programme), content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{programme.slug}.yaml"'
        return response

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        problems = []
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                # Read no more than the format allows (and one byte more, so that a larger file is refused).
                result = format.import_text(
                    form.cleaned_data["file"].read(format.MAX_BYTES + 1),
                    force=form.cleaned_data["force"],
                    by=request.user,
                )
            except format.AwardFormatError as error:
                problems = error.problems
            else:
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


class SectionInline(LabelledInputs, admin.TabularInline):
    model = Section
    fields = ("position", "title", "intro")
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["intro"].widget.attrs["rows"] = 2
        return formset


class QuestionInline(LabelledInputs, admin.StackedInline):
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


class CriterionInline(LabelledInputs, admin.StackedInline):
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
class AwardAdmin(LabelledInputs, admin.ModelAdmin):
    list_display = ("title", "programme", "nominee", "active", "question_count", "criterion_count")
    list_filter = ("programme", "active")
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [SectionInline, QuestionInline, CriterionInline]
    change_form_template = "admin/awards/award/change_form.html"
    fieldsets = (
        (None, {"fields": ("programme", "title", "slug", "position", "active")}),
        ("Shown to nominators", {"fields": ("summary", "description", "nominee", "self_nomination")}),
        ("Own nomination window (optional)", {"fields": ("nominations_open", "nominations_close")}),
    )

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
