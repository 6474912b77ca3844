"""Generations: a token per named set of tables, replaced after every committed write to any of them.

A cache of something computed from those tables (results.ranking caches a stage's results)
keys its entries by the current token, so an entry is never read after a write it does not
reflect. The writes are seen where every write goes, the database connection (an execute
wrapper on each connection), rather than in service functions: a queryset `update()`, a
bulk operation, the admin, a management command or a migration invalidates as surely as a
scorecard's submission. Coarse by design: a write anywhere in a watched table moves the
generation on for every stage. Correct first; a chair's ranking that is recomputed more often
than it needed to be is only slower.

The order that keeps it correct: a reader takes the token, marking it used, before it reads the
data; a writer, after its transaction commits, sets a new token if the present one is marked
used. A reader that read the data before the commit had marked the token before it, so the
writer moves it on, and what the reader files is under a token no reader after the commit asks
for. A writer that finds the token unused writes nothing: whoever takes it next reads the data
after the commit. Nothing is read from or filed in such a cache inside a
transaction (`cacheable`): its writes are not yet everyone's, and it may roll back.
"""

import logging
import re
import uuid

from django.core.cache import cache
from django.core.signals import request_finished
from django.db import connections, transaction
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate
from django.dispatch import receiver

logger = logging.getLogger(__name__)

# INSERT INTO "t", UPDATE "t", DELETE FROM "t": the table a write statement changes.
_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
# The columns an UPDATE sets, for tables where some columns do not matter (`watch(ignore=…)`).
_SET = re.compile(r'"(\w+)"\s*=')

_names_by_table: dict[str, set[str]] = {}
_ignored_columns: dict[str, frozenset[str]] = {}

# A generation whose token was lost with the cache starts again with a new one. The timeout is
# a backstop only: a process killed between a commit and the new token leaves the old one
# standing until the next write, or this long.
TIMEOUT = 60 * 60


def watch(name: str, tables: dict[str, frozenset[str] | set[str] | tuple]) -> None:
    """Move the generation `name` on after any committed write to these tables. For each table,
    the columns an UPDATE may set without moving it on (a draft's working copy, say)."""
    for table, ignore in tables.items():
        _names_by_table.setdefault(table, set()).add(name)
        if ignore:
            _ignored_columns[table] = frozenset(ignore)


def _keys(name: str) -> tuple[str, str]:
    return f"generation:{name}", f"generation:{name}:used"


def current(name: str) -> str | None:
    """The generation's token now: take it before reading the data it stands for (and so mark it
    used: a writer then knows to move it on). None when the cache cannot be reached: then nothing
    may be read from it or kept in it."""
    key, used_key = _keys(name)
    for connection in connections.all(initialized_only=True):
        _flush(connection)
    try:
        found = cache.get_many([key, used_key])
        token = found.get(key)
        if token is None:
            token = uuid.uuid4().hex
            cache.set(key, token, TIMEOUT)
        if found.get(used_key) != token:
            cache.set(used_key, token, TIMEOUT)
    except Exception:
        logger.warning("The cache could not be read for generation %s", name, exc_info=True)
        return None
    return token


def bump(name: str) -> None:
    """A new token, if anyone has taken the present one: a write while nothing is kept under it
    costs one read of the cache and writes nothing (every judge's autosave in a busy evening,
    while no chair has the ranking open, would otherwise queue on the one row that holds it)."""
    key, used_key = _keys(name)
    try:
        found = cache.get_many([key, used_key])
    except Exception:
        found = {}
        logger.error("The cache could not be read for generation %s", name, exc_info=True)
    if found.get(key) is not None and found.get(used_key) == found.get(key):
        _renew(name)


def _renew(name: str) -> None:
    """A new token for the generation, whatever the present one."""
    try:
        cache.set(_keys(name)[0], uuid.uuid4().hex, TIMEOUT)
    except Exception:
        # The write has committed and must stand. A cache that could not take the new token may
        # still hold the old one (for TIMEOUT at most): say so loudly.
        logger.error("The cache could not take a new token for generation %s", name, exc_info=True)


def _written(sql: str) -> set[str]:
    match = _WRITE.match(sql)
    if not match:
        return set()
    table = match.group(1)
    names = _names_by_table.get(table)
    if not names:
        return set()
    ignored = _ignored_columns.get(table)
    if ignored and sql[:16].lstrip()[:6].upper() == "UPDATE":
        where = sql.upper().find(" WHERE ")
        setting = sql[match.end() : where if where >= 0 else len(sql)]
        if set(_SET.findall(setting)) <= ignored:
            return set()
    return names


class _Bump:
    """The new tokens a transaction sets when it commits (an on_commit callback that says which)."""

    def __init__(self, names: set[str]):
        self.names = names

    def __call__(self):
        for name in self.names:
            bump(name)


def _after_write(connection, names: set[str]) -> None:
    if not connection.in_atomic_block:
        # Autocommit: the write has committed already. SQLite steps an INSERT … RETURNING lazily:
        # Django has not read the new row's id yet, and a statement now (the database cache's)
        # would cut it short. There the new token waits for the connection's next statement, or
        # the end of the request, whichever comes first.
        if connection.vendor == "sqlite":
            connection._plaudit_deferred = getattr(connection, "_plaudit_deferred", set()) | names
        else:
            for name in names:
                bump(name)
        return
    # Once per name per transaction, however many statements write, and only once it commits:
    # until then nobody else can see the writes, and the transaction itself reads nothing from
    # the cache (`cacheable`). Not before: with the database's cache, a new token written inside
    # the transaction would hold a lock on it that every other writer would queue behind.
    covered = set()
    for _savepoints, callback, *_ in connection.run_on_commit:
        if isinstance(callback, _Bump):
            covered |= callback.names
    fresh = names - covered
    if fresh:
        transaction.on_commit(_Bump(fresh), using=connection.alias)


def cacheable(using: str = "default") -> bool:
    """Whether a result may be read from or filed in a generation's cache now: not inside a
    transaction, whose writes others cannot see yet and which may still roll back."""
    return not connections[using].in_atomic_block


def _flush(connection) -> None:
    deferred = getattr(connection, "_plaudit_deferred", None)
    if deferred:
        connection._plaudit_deferred = set()
        for name in deferred:
            bump(name)


def _wrapper(execute, sql, params, many, context):
    _flush(context["connection"])
    result = execute(sql, params, many, context)
    # Every statement passes here: look at its first letters only (not a copy of a long IN list).
    if _names_by_table and not _migrating and sql and sql[:16].lstrip()[:1] in "IUDiud":
        names = _written(sql)
        if names:
            _after_write(context["connection"], names)
    return result


# While `migrate` runs, writes are not watched one by one: the cache's own table may not exist yet
# (a new site's first migrate logged an error for every data migration), and when it is done
# every generation moves on once, whatever the migrations wrote.
_migrating = False


# Both signals are sent once per installed app, all before (or all after) the migrations: this
# app's is enough.
@receiver(pre_migrate)
def _migration_starts(sender, **kwargs):
    global _migrating
    if sender.name == __package__:
        _migrating = True


@receiver(post_migrate)
def _migration_ends(sender, **kwargs):
    global _migrating
    if sender.name != __package__:
        return
    _migrating = False
    for name in {name for names in _names_by_table.values() for name in names}:
        _renew(name)


@receiver(request_finished)
def _request_finished(**kwargs):
    for connection in connections.all(initialized_only=True):
        _flush(connection)


@receiver(connection_created)
def _install(sender, connection, **kwargs):
    if _wrapper not in connection.execute_wrappers:
        connection.execute_wrappers.append(_wrapper)


def _install_on_open_connections() -> None:
    for connection in connections.all(initialized_only=True):
        _install(sender=None, connection=connection)
