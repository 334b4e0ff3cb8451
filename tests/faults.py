"""Faults injected at the database layer: a statement that fails, a pause after a read; and the data to compare.

They act on the SQL a connection sends, so they hold whichever function writes the rows.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.apps import apps
from django.db import OperationalError, connection

APPS = ("programme", "reporting", "admin")  # units, programmes, the register, reports and their history, admin log
WRITES = ("INSERT", "UPDATE", "DELETE")


def database_state() -> dict[str, list[tuple]]:
    """Every row of every table of the data, as tuples in primary key order."""
    return {
        model._meta.db_table: list(model._base_manager.order_by("pk").values_list())
        for app in APPS
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    }


def _is_write(statement: str) -> int:
    return int(statement[:6].upper() in WRITES)


@dataclass
class Failure:
    writes_before: int = 0  # statements that changed data before the failure, the failing one included if it ran
    fired: bool = False


@contextmanager
def failing_statement(prefix: str, *, nth: int = 1, after_running: bool = False) -> Iterator[Failure]:
    """The database fails the ``nth`` statement of this connection that starts with ``prefix`` (such as
    'INSERT INTO "reporting_submissionevent"'); with ``after_running``, once the statement has run, as when
    the connection drops before the answer comes back."""
    failure, seen = Failure(), 0

    def fail(execute, sql, params, many, context):
        nonlocal seen
        statement = sql.lstrip()
        if statement.startswith(prefix):
            seen += 1
            if seen == nth:
                if after_running:
                    execute(sql, params, many, context)
                    failure.writes_before += _is_write(statement)
                failure.fired = True
                raise OperationalError("injected failure: the database stopped answering")
        result = execute(sql, params, many, context)
        failure.writes_before += _is_write(statement)
        return result

    with connection.execute_wrapper(fail):
        yield failure


@contextmanager
def pause_after(fragment: str, seconds: float) -> Iterator[None]:
    """This connection waits ``seconds`` after its first statement that contains ``fragment``, as a slow
    request would, so that another connection's statements land in between."""
    paused = False

    def pause(execute, sql, params, many, context):
        nonlocal paused
        result = execute(sql, params, many, context)
        if not paused and fragment in sql:
            paused = True
            time.sleep(seconds)
        return result

    with connection.execute_wrapper(pause):
        yield


@contextmanager
def unavailable_database() -> Iterator[list[str]]:
    """Every statement of this connection fails, as when the database server is down; yields those tried."""
    tried: list[str] = []

    def fail(execute, sql, params, many, context):
        tried.append(sql)
        raise OperationalError("injected failure: the database is unavailable")

    with connection.execute_wrapper(fail):
        yield tried
