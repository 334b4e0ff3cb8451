"""Backup and restore give back every figure: dumpdata/loaddata on any database, pg_dump/pg_restore on PostgreSQL."""

import datetime
import io
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, models

from accounts.models import User
from programme.models import ExemplaryModel, Period, Unit
from reporting.models import Narrative, Submission, SubmissionEvent, Value
from reporting.services import submission_approve, submission_import, submission_return
from reporting.totals import totals_refresh
from tests.factories import total_figures

MODELS = (Unit, Period, Submission, Value, Narrative, SubmissionEvent, ExemplaryModel, User, Group)


def populate(period_2024, targets, reviewer):
    s1 = Period.objects.get(programme=period_2024.programme, code="2024S1")
    for i, code in enumerate(["03549", "03490", "03550", "109-CA"]):
        unit = Unit.objects.get(code=code)
        for period in (s1, period_2024):
            figures = {
                targets["MT1"]: total_figures(targets["MT1"], 5 + i, 10),
                targets["MT3a"]: total_figures(targets["MT3a"], 90 + i, 100),
            }
            if unit.kind.code == "commune":
                figures[targets["MT6"]] = total_figures(targets["MT6"], 900 + i, 1000)
            submission_import(unit=unit, period=period, figures=figures, actor_label="test")
    first, second = Submission.objects.order_by("pk")[:2]
    submission_approve(user=reviewer, submission=first, version=first.version)
    submission_return(user=reviewer, submission=second, version=second.version, comment="Sửa MT1.")
    ExemplaryModel.objects.create(
        unit=Unit.objects.get(code="03549"),
        year=2024,
        name="Mô hình “Dân vận khéo” bảo vệ rừng",
        field_id="forest",
        registered_on=datetime.date(2024, 3, 1),
        recognised_on=datetime.date(2024, 9, 1),
        recognition_level_id="district",
    )
    totals_refresh()  # written past the paths that keep the district's sums


def exact_times():
    """A moment of every kind to the microsecond, which a backup cut to milliseconds would move."""
    moment = datetime.datetime(2024, 7, 5, 8, 30, 15, 123456, tzinfo=datetime.UTC)
    submission = Submission.objects.order_by("pk").first()
    Submission.objects.filter(pk=submission.pk).update(
        created_at=moment, updated_at=moment, submitted_at=moment, reviewed_at=moment
    )
    SubmissionEvent.objects.filter(submission=submission).update(at=moment + datetime.timedelta(microseconds=1))
    User.objects.filter(username="thamdinh").update(last_login=moment)


def timestamps() -> dict:
    """Every saved moment, row by row (users by name: a restore numbers them anew)."""
    out = {}
    for model, key in ((Submission, "pk"), (SubmissionEvent, "pk"), (User, "username")):
        fields = [field.name for field in model._meta.concrete_fields if isinstance(field, models.DateTimeField)]
        out[model.__name__] = {row[0]: row[1:] for row in model.objects.values_list(key, *fields)}
    return out


def figures_now() -> dict:
    """Every compliance figure of every period (with units), and how many rows each model has."""
    out = {}
    for code in Period.objects.values_list("code", flat=True):
        for extra in ([], ["--approved-only"]):
            buffer = io.StringIO()
            call_command("compliance", code, "--format", "json", "--by-unit", *extra, stdout=buffer)
            out[(code, *extra)] = json.loads(buffer.getvalue())
    out["counts"] = {model.__name__: model.objects.count() for model in MODELS}
    return out


@pytest.mark.django_db(transaction=True)
def test_dumpdata_loaddata_round_trip(period_2024, targets, reviewer, tmp_path):
    populate(period_2024, targets, reviewer)
    exact_times()
    before, times = figures_now(), timestamps()
    path = tmp_path / "backup.json"
    call_command("backup_json", str(path), stdout=io.StringIO())
    call_command("flush", "--noinput", verbosity=0)
    assert Submission.objects.count() == 0
    call_command("loaddata", str(path), verbosity=0)
    assert figures_now() == before
    assert timestamps() == times
    assert SubmissionEvent.objects.filter(action="returned", comment="Sửa MT1.").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump and pg_restore are PostgreSQL's tools")
@pytest.mark.django_db(transaction=True)
def test_pg_dump_pg_restore_round_trip(phong_tho, period_2024, targets, reviewer, tmp_path):
    populate(period_2024, targets, reviewer)
    before = figures_now()
    db = settings.DATABASES["default"]
    restored = f"{db['NAME']}_restored"
    base = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"] or "postgres"]
    dump = tmp_path / "backup.dump"
    subprocess.run(["pg_dump", *base, "--format=custom", "--no-owner", "-f", str(dump), db["NAME"]], check=True)
    subprocess.run(["dropdb", *base, "--if-exists", restored], check=True)
    subprocess.run(["createdb", *base, restored], check=True)
    try:
        subprocess.run(["pg_restore", *base, "--no-owner", "-d", restored, str(dump)], check=True)
        url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{restored}"
        env = {**os.environ, "DATABASE_URL": url}
        for key, document in before.items():
            if key == "counts":
                continue
            result = subprocess.run(
                [sys.executable, "manage.py", "compliance", key[0], "--format", "json", "--by-unit", *key[1:]],
                cwd=settings.BASE_DIR,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            assert json.loads(result.stdout) == document, key
    finally:
        subprocess.run(["dropdb", *base, "--if-exists", restored], check=True)
