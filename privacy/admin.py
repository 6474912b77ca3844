"""The subject access request, beside the audit log in the admin: the audit app knows nothing of
what is held about people across the apps, so the request is added here, on top of them all."""

import json

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from audit import log
from audit.admin import AuditEventAdmin
from audit.models import AuditEvent
from awards.admin import ProgrammeAdmin
from awards.models import Programme
from plaudit import addresses

from .retention import subject_access


class SubjectAccessForm(forms.Form):
    email = addresses.AddressField(label="The person's email address")


class AuditEventWithSubjectAccessAdmin(AuditEventAdmin):
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


admin.site.unregister(AuditEvent)
admin.site.register(AuditEvent, AuditEventWithSubjectAccessAdmin)


class ProgrammeWithSubjectAccessAdmin(ProgrammeAdmin):
    """The programme's admin with its own subject access request, for its programme managers:
    what this programme holds about one person (privacy sits above awards, so it is added here)."""

    def get_urls(self):
        return [
            path(
                "<int:pk>/subject-access/",
                self.admin_site.admin_view(self.programme_subject_access_view),
                name="awards_programme_subject_access",
            ),
            *super().get_urls(),
        ]

    def programme_subject_access_view(self, request, pk):
        programme = self._programme(request, pk, change=True)
        form = SubjectAccessForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            held = subject_access(form.cleaned_data["email"], programmes=Programme.objects.filter(pk=programme.pk))
            log.record(
                log.Action.EXPORT,
                f"Subject access export for {programme.name}",
                actor=request.user,
                subject=f"programme:{programme.pk}",
            )
            response = HttpResponse(
                json.dumps(held, indent=2, ensure_ascii=False, default=str), content_type="application/json"
            )
            response["Content-Disposition"] = f'attachment; filename="subject-access-{programme.slug}.json"'
            return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": programme,
            "title": f"Subject access request: {programme.name}",
            "form": form,
        }
        return render(request, "admin/awards/programme/subject_access.html", context)


admin.site.unregister(Programme)
admin.site.register(Programme, ProgrammeWithSubjectAccessAdmin)
