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


def test_a_new_sites_first_migrate_logs_no_error(tmp_path):
    """Writes during `migrate` are not watched one by one (the cache's table may not exist yet:
    the first migrate of a new site logged "The cache could not take a new token" for each data
    migration); afterwards the ranking's generation moves on once."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'new.sqlite3'}", "DEBUG": "1"}
    env.pop("CACHE_URL", None)
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "could not" not in done.stderr and "Traceback" not in done.stderr, done.stderr


@pytest.mark.django_db(transaction=True)
def test_migrate_moves_every_generation_on(client):
    """A data migration may change what a cached ranking was computed from."""
    from plaudit import generations

    before = generations.current("ranking")
    call_command("migrate", verbosity=0)
    assert generations.current("ranking") not in (None, before)
