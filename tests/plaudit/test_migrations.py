"""`migrate` is the whole database step: it makes the cache's table too."""

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.mark.django_db(transaction=True)
def test_migrate_makes_the_cache_table_that_rate_limits_use(client):
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE plaudit_cache")
    assert "plaudit_cache" not in connection.introspection.table_names()
    call_command("migrate", "plaudit", "0001", verbosity=0)
    call_command("migrate", verbosity=0)
    assert "plaudit_cache" in connection.introspection.table_names()
    from django.core.cache import cache

    cache.set("a", 1)
    assert cache.get("a") == 1
