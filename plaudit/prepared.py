"""Queries compiled once per process and run again with other ids (or text).

Building and compiling a queryset with several subqueries can cost Django more than the
database spends answering it: a judge's access rule (judging.access.entries_for_judge, five
subqueries) took 11 ms to build and 10 ms to compile on the benchmark machine against 1 to 6 ms
to run. For the requests everyone at work makes every few seconds (a judge's autosave), the SQL
is kept and run again with the new ids (a nominator's, with the nomination's reference).

The rule stays where it lives: the SQL comes from the queryset its own function builds, never
written out a second time. What is kept is checked when it is first made: the queryset is built
twice, with two different sets of stand-in arguments, and the two must compile to the same SQL
with every parameter either the same constant both times or the stand-in for the same argument
in the same place. A query whose shape depends on the values it is given (a list as long as a number, a
branch on an id) fails that check with `ShapeDependsOnValues` instead of being kept wrong.

On PostgreSQL, with connections kept open between requests (CONN_MAX_AGE), the kept SQL is
also a prepared statement of each database session (PREPARE once per connection, then EXECUTE): planning a query with five subqueries cost the database more
than running it (6 to 13 ms against 1 to 3), and after a few runs PostgreSQL plans it once. A
session-level prepared statement needs the same server session for the connection's life, so a
pooler between Django and PostgreSQL must not move connections between sessions (PgBouncer in
transaction mode would; docs/deploy.md).

A build function receives row ids (positive ints) and text only, so nothing else about a row can
shape its query; a rule that came to read, say, a stage's `blind` would have to take it as an
argument, and then could not be prepared. What comes back is what the queryset would give: model instances (with
what it selects related) or, from `values_list` of field names, tuples, each value through the
database's converters as Django's own iterables do (the compiler kept from the first build
converts them).
"""

import itertools
import re
from collections.abc import Callable

from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators

from plaudit.ids import ID_MAX


# Stand-ins that look like real values: ids positive and within even a 32-bit id's range
# (Django leaves out a condition whose value a field could never hold, so a stand-in of -7 would
# compile to a query without it), text plain; unlike any constant the queries hold. Two sets, to
# tell an argument's parameter from a constant that happens to equal it.
def _stand_in(kind: type, position: int, which: int):
    if kind is int:
        return (1_987_650_001, 2_013_470_003)[which] + 10 * position
    return f"plaudit-stand-in-{'ab'[which]}{position}"


# Each kept query's statement name, unique within the process (statements belong to a session).
_NAMES = itertools.count(1)
# Django's placeholders, and its escaped percent signs, in compiled SQL.
_PLACEHOLDER = re.compile(r"%%|%s")


class ShapeDependsOnValues(Exception):
    """The queryset's SQL, or a constant in it, changed with the arguments it was built for."""


class Prepared:
    """A queryset builder's SQL, compiled once per database connection alias and run with new
    arguments: row ids (`int`) or text (`str`), as `kinds` says, in order.

    `build(*arguments)` returns a queryset of model instances or a `values_list` of field names;
    `fetch(*arguments)` answers what `list(build(*arguments))` would."""

    def __init__(self, build: Callable[..., QuerySet], *kinds: type):
        if not kinds or any(kind not in (int, str) for kind in kinds):
            raise ValueError("kinds: int (a row id) or str (text), one for each argument")
        self.build, self.kinds = build, kinds
        self.name = f"plaudit_kept_{next(_NAMES)}"
        self._compiled: dict[str, tuple] = {}

    def _compile(self, alias: str) -> tuple:
        stand_ins = [[_stand_in(kind, i, which) for i, kind in enumerate(self.kinds)] for which in (0, 1)]
        shapes, compilers = [], []
        for arguments in stand_ins:
            queryset = self.build(*arguments)
            if queryset._iterable_class not in (ModelIterable, ValuesListIterable) or queryset._known_related_objects:
                raise TypeError(f"{self.build.__qualname__}: model instances or values_list only")
            if queryset._iterable_class is ValuesListIterable and queryset.query.annotation_select:
                raise TypeError(f"{self.build.__qualname__}: values_list of field names only")
            compiler = queryset.query.get_compiler(using=alias)
            shapes.append(compiler.as_sql())
            compilers.append(compiler)
        (sql, first), (other_sql, second) = shapes
        if sql != other_sql or len(first) != len(second):
            raise ShapeDependsOnValues(f"{self.build.__qualname__}: the SQL changes with the arguments")
        slots = []
        for one, two in zip(first, second, strict=True):
            if one in stand_ins[0] and two == stand_ins[1][stand_ins[0].index(one)]:
                slots.append(_Slot(stand_ins[0].index(one)))
            elif one == two and one not in stand_ins[0] and two not in stand_ins[1]:
                slots.append(one)
            else:
                raise ShapeDependsOnValues(f"{self.build.__qualname__}: a parameter changes with the arguments")
        # The first build's compiler, its select list filled by as_sql: it converts the rows.
        return sql, tuple(slots), compilers[0], queryset._iterable_class is ValuesListIterable

    def fetch(self, *arguments, using: str = "default") -> list:
        """What the built queryset would give for these arguments: its instances, or its tuples.
        An id outside 1 to ID_MAX names no row, so nothing is fetched (as the queryset would find
        none)."""
        if len(arguments) != len(self.kinds) or not all(
            type(argument) is kind for argument, kind in zip(arguments, self.kinds, strict=False)
        ):
            raise TypeError(f"{self.build.__qualname__} takes {', '.join(kind.__name__ for kind in self.kinds)}")
        if not all(0 < argument <= ID_MAX for argument in arguments if type(argument) is int):
            return []
        connection = connections[using]
        key = f"{using}:{connection.vendor}"
        if key not in self._compiled:
            self._compiled[key] = self._compile(using)
        sql, slots, compiler, values = self._compiled[key]
        params = [arguments[slot.index] if isinstance(slot, _Slot) else slot for slot in slots]
        with connection.cursor() as cursor:
            # Prepared only where the connection outlives the request (CONN_MAX_AGE): one closed
            # after each request would PREPARE every time, a statement more for nothing.
            if connection.vendor == "postgresql" and connection.settings_dict.get("CONN_MAX_AGE"):
                self._prepare_on(connection, cursor, sql)
                # A query with no parameters is EXECUTEd without parentheses (PostgreSQL refuses "()").
                given = f"({', '.join(['%s'] * len(params))})" if params else ""
                cursor.execute(f"EXECUTE {self.name}{given}", params)
            else:
                cursor.execute(sql, params)
            fetched = cursor.fetchall()
        if values:
            return list(compiler.results_iter([fetched], tuple_expected=True))
        return _instances(compiler, fetched, using)

    def _prepare_on(self, connection, cursor, sql: str) -> None:
        """PREPARE the statement in this connection's database session, once. A session is known
        by its server process and its connection object, so a connection closed and opened again
        (CONN_MAX_AGE, a dropped link) prepares again."""
        raw = connection.connection
        session = (id(raw), raw.get_backend_pid())
        known = getattr(connection, "_plaudit_prepared", None)
        if known is None or known[0] != session:
            known = connection._plaudit_prepared = (session, set())
        if self.name not in known[1]:
            numbers = itertools.count(1)
            numbered = _PLACEHOLDER.sub(lambda m: "%" if m.group() == "%%" else f"${next(numbers)}", sql)
            # Not undone by a rollback: a statement prepared lives as long as its session.
            cursor.execute(f"PREPARE {self.name} AS {numbered}")
            known[1].add(self.name)


def _instances(compiler, fetched: list, using: str) -> list:
    """Model instances from fetched rows, as Django's ModelIterable makes them."""
    select, klass_info, annotations = compiler.select, compiler.klass_info, compiler.annotation_col_map
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    names = [column[0].target.attname for column in select[start:end]]
    populators = get_related_populators(klass_info, select, using)
    made = []
    for row in compiler.results_iter([fetched]):
        obj = klass_info["model"].from_db(using, names, row[start:end])
        for populator in populators:
            populator.populate(row, obj)
        for name, position in (annotations or {}).items():
            setattr(obj, name, row[position])
        made.append(obj)
    return made


class _Slot:
    """Where the n-th argument goes among a kept query's parameters."""

    __slots__ = ("index",)

    def __init__(self, index: int):
        self.index = index
