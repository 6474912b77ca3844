import pytest

from tests.factories import UserFactory


@pytest.fixture
def admin_user(db):
    return UserFactory(username="alice", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


# The judging panel (see tests/panels.py), for every test folder that needs one.
from tests.panels import panel, scored  # noqa: E402, F401
