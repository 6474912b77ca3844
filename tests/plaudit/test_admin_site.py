"""The admin's front page: the office's sections first, system tables for superusers only."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def labels(response):
    return [app["app_label"] for app in response.context["app_list"]]


def test_the_office_sections_come_first_and_system_tables_last_for_a_superuser(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    shown = labels(client.get(reverse("admin:index")))

    assert shown[:3] == ["awards", "nominations", "judging"]
    assert {"axes", "django_tasks_database"} <= set(shown)
    assert shown.index("axes") > shown.index("auth")


def test_system_tables_are_hidden_from_staff_even_with_permission(client):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["axes", "django_tasks_database", "awards"], codename__startswith="view_"
        )
    )
    client.force_login(staff)

    index = client.get(reverse("admin:index"))

    assert labels(index) == ["awards"]
    assert client.get(reverse("admin:app_list", args=["axes"])).status_code == 404
