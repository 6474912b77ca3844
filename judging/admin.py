from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone

from awards.admin import ProgrammeScoped, ScopedChoices
from plaudit import addresses
from plaudit.admin_labels import LabelledInputs

from . import assignments, conflicts, entries, panels, stages
from .models import Assignment, Conflict, Entry, JudgeGroup, PanelMember, Stage


class JudgeGroupInline(ScopedChoices, LabelledInputs, admin.TabularInline):
    model = JudgeGroup
    extra = 0


class PanelMemberInline(ScopedChoices, LabelledInputs, admin.TabularInline):
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
    email = addresses.AddressField(label="Email address")
    role = forms.ChoiceField(choices=PanelMember.Role.choices, initial=PanelMember.Role.JUDGE)
    group = forms.ModelChoiceField(queryset=JudgeGroup.objects.none(), required=False, label="Judge group")

    def __init__(self, *args, stage, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = stage.groups.all()


@admin.register(Stage)
class StageAdmin(ProgrammeScoped, LabelledInputs, admin.ModelAdmin):
    change_form_template = "admin/judging/stage/change_form.html"

    def get_urls(self):
        return [
            path("<int:pk>/invite/", self.admin_site.admin_view(self.invite_view), name="judging_stage_invite"),
            *super().get_urls(),
        ]

    def invite_view(self, request, pk):
        """Invite a judge or chair by name and email: their account, their seat, and a sign-in link."""
        stage = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, stage):
            raise PermissionDenied
        form = InviteForm(request.POST or None, stage=stage)
        if request.method == "POST" and form.is_valid():
            seat = panels.judge_invite(stage=stage, **form.cleaned_data)
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
    actions = ["bring_in_entries", "assign_judges", "unblind_for_chairs"]
    readonly_fields = ("unblinded_at", "unblinded_by")
    fieldsets = (
        (None, {"fields": ("award", "name", "position", "opens_at", "closes_at")}),
        (
            "How judges judge",
            {
                "fields": (
                    "mode",
                    "voting",
                    "approvals_allowed",
                    "blind",
                    "others_scores",
                    "comments_required",
                    "unblinded_at",
                    "unblinded_by",
                )
            },
        ),
        (
            "Entries and assignment",
            {"fields": ("entries_from", "assigning", "judges_per_entry", "cap_per_judge", "assignment_seed")},
        ),
        (
            "Results",
            {"fields": ("min_scorecards", "shortlist_size", "tie_break", "tie_break_criterion")},
        ),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.opens_before_nominations_close():
            self.message_user(
                request,
                f"{obj} opens before nominations for {obj.award.title} close "
                f"({obj.award.closes_at.astimezone(obj.award.programme.zone):%d %B %Y, %H:%M}): "
                "entries may arrive after judges have started.",
                messages.WARNING,
            )

    @admin.action(description="Bring in every eligible entry", permissions=["change"])
    def bring_in_entries(self, request, queryset):
        queryset = self.managed(request, queryset)
        for stage in queryset:
            try:
                added = entries.stage_sync_entries(stage=stage)
            except ValueError as error:
                self.message_user(request, f"{stage}: {error}", messages.WARNING)
            else:
                self.message_user(
                    request, f"{stage}: {added} {'entry' if added == 1 else 'entries'} added.", messages.SUCCESS
                )

    @admin.action(description="Assign judges to entries (replaces the current assignments)", permissions=["change"])
    def assign_judges(self, request, queryset):
        queryset = self.managed(request, queryset)
        for stage in queryset:
            split = assignments.stage_assign(stage=stage, by=request.user)
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
            awaiting = len(conflicts.awaiting_declaration(stage))
            if awaiting:
                self.message_user(
                    request,
                    f"{stage}: {awaiting} assignments are to judges who have not declared for the entry yet; "
                    "they are asked about conflicts of interest before they can see it.",
                    messages.WARNING,
                )

    @admin.action(description="Unblind for the chairs (after every decision is applied)", permissions=["change"])
    def unblind_for_chairs(self, request, queryset):
        queryset = self.managed(request, queryset)
        for stage in queryset:
            try:
                stages.stage_unblind(stage=stage, by=request.user, now=timezone.now())
            except stages.StageRefused as error:
                self.message_user(request, str(error), messages.WARNING)
            else:
                self.message_user(request, f"{stage}: its chairs now see who is nominated.", messages.SUCCESS)


@admin.register(Entry)
class EntryAdmin(ProgrammeScoped, LabelledInputs, admin.ModelAdmin):
    list_display = ("__str__", "stage")
    list_filter = ("stage",)
    list_select_related = ("stage__award", "nomination", "dossier")
    # Found by reference, nominee or dossier (here and in the assignment form's autocomplete),
    # never listed whole in a drop-down: a stage holds thousands.
    search_fields = ("nomination__reference", "nomination__nominee_name", "dossier__title")
    autocomplete_fields = ["nomination", "dossier"]

    def get_readonly_fields(self, request, obj=None):
        # What an entry is stays what it was judged as: its scores, conflicts and declarations
        # were given for that nomination or dossier, so none of them moves to another.
        return ("stage", "nomination", "dossier") if obj else ()

    def get_queryset(self, request):
        # An entry's name is its reference, from its nomination or its dossier's award: read with it.
        return super().get_queryset(request).select_related("stage__award", "nomination", "dossier")


class ConflictAddForm(forms.ModelForm):
    """The office records a conflict: confirmed at once, with a reason. A pair with an earlier
    rejected suggestion is confirmed in place (judging.conflicts.conflict_record)."""

    class Meta:
        model = Conflict
        fields = ("judge", "nomination", "reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = True
        self.fields["reason"].error_messages["required"] = "Say why there is a conflict of interest"

    def validate_unique(self):
        # An existing rejected conflict for the pair is confirmed, not refused as a duplicate.
        confirmed = Conflict.objects.filter(
            judge=self.cleaned_data.get("judge"),
            nomination=self.cleaned_data.get("nomination"),
            status=Conflict.Status.CONFIRMED,
        )
        if confirmed.exists():
            self.add_error("nomination", "This judge already has a confirmed conflict with this nomination.")


class ConflictRemoveForm(forms.Form):
    reason = forms.CharField(
        label="Why is the conflict removed?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the audit log with who removed it. The judge then sees the entry, if assigned, once they have declared for it.",
        error_messages={"required": "Say why the conflict is removed"},
    )


@admin.register(Conflict)
class ConflictAdmin(ProgrammeScoped, LabelledInputs, admin.ModelAdmin):
    """The awards office adds a conflict a judge did not declare, or removes a confirmed one with a reason.

    A confirmed conflict takes effect at once: the entry leaves the judge's queue, pages and packs.
    Conflicts are sticky: nobody edits or deletes one here; removal is its own audited step.
    """

    list_display = ("judge", "nomination", "status", "source", "detected_because", "created_at")
    list_filter = ("status", "source", "nomination__award")
    search_fields = ("judge__email", "judge__last_name", "nomination__reference", "nomination__nominee_name")
    autocomplete_fields = ["judge"]
    raw_id_fields = ["nomination"]
    list_select_related = ("judge", "nomination")
    change_form_template = "admin/judging/conflict/change_form.html"

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ConflictAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("judge", "nomination", "reason")
        return ("judge", "nomination", "status", "reason", "source", "detected_because", "decided_at")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.get_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return  # nothing is editable on a recorded conflict
        saved = conflicts.conflict_record(
            judge=obj.judge, nomination=obj.nomination, reason=obj.reason, by=request.user, now=timezone.now()
        )
        obj.pk, obj.status, obj.source = saved.pk, saved.status, saved.source

    def get_urls(self):
        return [
            path("<int:pk>/remove/", self.admin_site.admin_view(self.remove_view), name="judging_conflict_remove"),
            *super().get_urls(),
        ]

    def remove_view(self, request, pk):
        """Remove a confirmed conflict, saying why: the one way a conflict is taken back."""
        conflict = get_object_or_404(self.get_queryset(request).select_related("judge", "nomination"), pk=pk)
        if not self.has_change_permission(request, conflict):
            raise PermissionDenied
        form = ConflictRemoveForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                conflicts.conflict_remove(
                    conflict=conflict, reason=form.cleaned_data["reason"], by=request.user, now=timezone.now()
                )
            except conflicts.ConflictRefused as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, f"The conflict of {conflict.judge} with {conflict.nomination} is removed.")
            return redirect("admin:judging_conflict_change", conflict.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": conflict,
            "title": f"Remove the conflict of {conflict.judge} with {conflict.nomination}",
            "form": form,
        }
        return render(request, "admin/judging/conflict/remove.html", context)


@admin.register(Assignment)
class AssignmentAdmin(ProgrammeScoped, LabelledInputs, admin.ModelAdmin):
    list_display = ("judge", "entry", "created_at")
    list_filter = ("entry__stage",)
    list_select_related = ("judge", "entry__nomination", "entry__dossier", "entry__stage__award")
    # Autocomplete, not drop-downs of every entry and every person: those built a label per row
    # (about 300 queries at 300 entries).
    autocomplete_fields = ["entry", "judge"]
