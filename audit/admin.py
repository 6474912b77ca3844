import json

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from plaudit.admin_labels import LabelledInputs

from . import log
from .models import AuditEvent


class SubjectAccessForm(forms.Form):
    email = forms.EmailField(label="The person's email address")


@admin.register(AuditEvent)
class AuditEventAdmin(LabelledInputs, admin.ModelAdmin):
    """Read and filter the audit log. Nothing can be added, changed or deleted here."""

    change_list_template = "admin/audit/auditevent/change_list.html"
    list_display = ("at", "action", "actor_label", "subject", "summary")
    list_filter = ("action", ("at", admin.DateFieldListFilter))
    search_fields = ("actor_label", "subject", "summary")
    date_hierarchy = "at"
    readonly_fields = ("at", "action", "actor_id", "actor_label", "subject", "summary", "data")
    list_per_page = 100

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def get_urls(self):
        return [
            path(
                "subject-access/",
                self.admin_site.admin_view(self.subject_access_view),
                name="audit_subject_access",
            ),
            *super().get_urls(),
        ]

    def subject_access_view(self, request):
        """A subject access request: everything held about one person, as a JSON file."""
        from judging.retention import subject_access

        # The same rule as reading the log itself (has_view_permission): the awards office only.
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = SubjectAccessForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            email = form.cleaned_data["email"]
            held = subject_access(email)
            log.record(log.Action.EXPORT, "Subject access export", actor=request.user, subject="subject-access")
            response = HttpResponse(
                json.dumps(held, indent=2, ensure_ascii=False, default=str), content_type="application/json"
            )
            response["Content-Disposition"] = 'attachment; filename="subject-access.json"'
            return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Subject access request",
            "form": form,
        }
        return render(request, "admin/audit/auditevent/subject_access.html", context)
