from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from plaudit.admin_labels import LabelledInputs

from . import domain
from .models import Assignment, Conflict, Entry, JudgeGroup, PanelMember, Stage


class JudgeGroupInline(LabelledInputs, admin.TabularInline):
    model = JudgeGroup
    extra = 0


class PanelMemberInline(LabelledInputs, admin.TabularInline):
    model = PanelMember
    extra = 0
    autocomplete_fields = ["user"]
    fields = ("user", "role", "group", "organisation")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        group = formset.form.base_fields["group"]
        group.queryset = obj.groups.all() if obj else JudgeGroup.objects.none()
        group.help_text = "Save the stage's groups first; they then appear here."
        return formset


class InviteForm(forms.Form):
    name = forms.CharField(label="Full name", max_length=150)
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(choices=PanelMember.Role.choices, initial=PanelMember.Role.JUDGE)
    group = forms.ModelChoiceField(queryset=JudgeGroup.objects.none(), required=False, label="Judge group")

    def __init__(self, *args, stage, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = stage.groups.all()


@admin.register(Stage)
class StageAdmin(LabelledInputs, admin.ModelAdmin):
    change_form_template = "admin/judging/stage/change_form.html"

    def get_urls(self):
        return [
            path("<int:pk>/invite/", self.admin_site.admin_view(self.invite_view), name="judging_stage_invite"),
            *super().get_urls(),
        ]

    def invite_view(self, request, pk):
        """Invite a judge or chair by name and email: their account, their seat, and a sign-in link."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        stage = get_object_or_404(Stage, pk=pk)
        form = InviteForm(request.POST or None, stage=stage)
        if request.method == "POST" and form.is_valid():
            seat = domain.judge_invite(stage=stage, **form.cleaned_data)
            self.message_user(request, f"Invited {seat.user.email} to {stage}; a sign-in link is on its way.")
            return redirect("admin:judging_stage_change", stage.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": stage,
            "title": f"Invite to {stage}",
            "form": form,
        }
        return render(request, "admin/judging/stage/invite.html", context)

    list_display = ("name", "award", "mode", "blind", "assigning", "opens_at", "closes_at")
    list_filter = ("award", "mode", "blind")
    inlines = [JudgeGroupInline, PanelMemberInline]
    actions = ["bring_in_entries", "assign_judges"]
    fieldsets = (
        (None, {"fields": ("award", "name", "position", "opens_at", "closes_at")}),
        ("How judges judge", {"fields": ("mode", "voting", "approvals_allowed", "blind", "others_scores")}),
        (
            "Entries and assignment",
            {"fields": ("entries_from", "assigning", "judges_per_entry", "cap_per_judge", "assignment_seed")},
        ),
    )

    @admin.action(description="Bring in every eligible entry")
    def bring_in_entries(self, request, queryset):
        for stage in queryset:
            try:
                added = domain.stage_sync_entries(stage=stage)
            except ValueError as error:
                self.message_user(request, f"{stage}: {error}", messages.WARNING)
            else:
                self.message_user(request, f"{stage}: {added} entries added.", messages.SUCCESS)

    @admin.action(description="Assign judges to entries (replaces the current assignments)")
    def assign_judges(self, request, queryset):
        for stage in queryset:
            split = domain.stage_assign(stage=stage, by=request.user)
            if split.shortfall:
                short = sum(split.shortfall.values())
                self.message_user(
                    request,
                    f"{stage}: {len(split.shortfall)} entries are {short} judge places short "
                    "(conflicts or caps leave too few judges).",
                    messages.WARNING,
                )
            else:
                self.message_user(request, f"{stage}: every entry has its judges.", messages.SUCCESS)


@admin.register(Entry)
class EntryAdmin(LabelledInputs, admin.ModelAdmin):
    list_display = ("__str__", "stage")
    list_filter = ("stage",)
    list_select_related = ("stage__award", "nomination", "dossier")


@admin.register(Conflict)
class ConflictAdmin(LabelledInputs, admin.ModelAdmin):
    """The awards office adds a conflict a judge did not declare, or removes one recorded in error.

    A confirmed conflict takes effect at once: the entry leaves the judge's queue, pages and packs.
    """

    list_display = ("judge", "nomination", "status", "source", "detected_because", "created_at")
    list_filter = ("status", "source", "nomination__award")
    search_fields = ("judge__email", "judge__last_name", "nomination__reference", "nomination__nominee_name")
    autocomplete_fields = ["judge"]
    raw_id_fields = ["nomination"]
    list_select_related = ("judge", "nomination")
    fields = ("judge", "nomination", "status", "reason", "source", "detected_because", "decided_at")
    readonly_fields = ("source", "detected_because", "decided_at")

    def save_model(self, request, obj, form, change):
        from django.utils import timezone

        if not change:
            obj.source = Conflict.Source.ADMIN
        obj.decided_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(Assignment)
class AssignmentAdmin(LabelledInputs, admin.ModelAdmin):
    list_display = ("judge", "entry", "created_at")
    list_filter = ("entry__stage",)
    list_select_related = ("judge", "entry__nomination", "entry__dossier")
