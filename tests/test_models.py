"""What the database itself refuses to store, whatever code tries."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from programme.models import ExemplaryModel, Period, Unit
from reporting.models import Submission, Value
from tests.factories import PeriodFactory, TargetFactory, UnitFactory


def refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_one_submission_per_unit_and_period(db):
    unit, period = UnitFactory(), PeriodFactory()
    Submission.objects.create(unit=unit, period=period)
    refused(lambda: Submission.objects.create(unit=unit, period=period))


@pytest.mark.parametrize(("numerator", "denominator"), [(11, 10), (1, 0)])
def test_numerator_never_above_denominator(db, numerator, denominator):
    target = TargetFactory()
    submission = Submission.objects.create(unit=UnitFactory(), period=PeriodFactory(programme=target.programme))
    refused(
        lambda: Value.objects.create(submission=submission, target=target, numerator=numerator, denominator=denominator)
    )


def test_negative_counts_are_refused(db):
    target = TargetFactory()
    submission = Submission.objects.create(unit=UnitFactory(), period=PeriodFactory(programme=target.programme))
    refused(lambda: Value.objects.create(submission=submission, target=target, numerator=-1, denominator=5))


def test_a_draft_may_hold_a_partial_value(db):
    target = TargetFactory()
    submission = Submission.objects.create(unit=UnitFactory(), period=PeriodFactory(programme=target.programme))
    value = Value.objects.create(submission=submission, target=target, numerator=3, denominator=None)
    assert value.pk


def test_a_value_keeps_its_reports_period_however_it_is_written(db):
    """Saved, made in bulk, or loaded from a backup made before values kept it: the value's period is its
    report's, and its exact order is the database's."""
    target = TargetFactory()
    periods = [PeriodFactory(programme=target.programme, code=f"K{n}") for n in range(3)]
    saved, bulk, loaded = (Submission.objects.create(unit=UnitFactory(), period=period) for period in periods)
    Value.objects.create(submission=saved, target=target, numerator=1, denominator=3)
    Value.objects.bulk_create([Value(submission=bulk, target=target, numerator=2, denominator=6)])
    row = {"model": "reporting.value", "fields": {"submission": loaded.pk, "target": target.pk, "numerator": 0}}
    for obj in serializers.deserialize("json", json.dumps([row])):
        obj.save()
    stored = Value.objects.order_by("submission_id").values_list(
        "submission_id", "period_id", "value_high", "value_low"
    )
    third = ((2**31) // 3, ((2**31 - (2**31) // 3 * 3) * 2**31) // 3)
    assert list(stored) == [
        (saved.pk, periods[0].pk, *third),
        (bulk.pk, periods[1].pk, *third),
        (loaded.pk, periods[2].pk, None, None),
    ]


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_the_values_already_there_their_reports_periods():
    target = TargetFactory()
    periods = [PeriodFactory(programme=target.programme, code=f"K{n}") for n in range(2)]
    for period in periods:
        submission = Submission.objects.create(unit=UnitFactory(), period=period)
        Value.objects.create(submission=submission, target=target, numerator=2, denominator=6)
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("reporting", "0013_totals_with_gaps_index")])
        executor = MigrationExecutor(connection)
        executor.migrate([("reporting", "0014_values_in_exact_order")])
        stored = Value.objects.order_by("submission__period_id").values_list("period_id", "value_high")
        assert list(stored) == [(periods[0].pk, 2**31 // 3), (periods[1].pk, 2**31 // 3)]
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.parametrize("threshold", ["100.01", "-0.01"])
def test_threshold_is_a_percentage(db, threshold):
    refused(lambda: TargetFactory(threshold=Decimal(threshold)))


def test_threshold_validation_message_is_vietnamese(db):
    target = TargetFactory.build(threshold=Decimal("120"), programme=PeriodFactory().programme)
    with pytest.raises(ValidationError, match="0–100%"):
        target.validate_constraints()


def test_one_target_code_per_programme(db):
    target = TargetFactory(code="MT1")
    refused(lambda: TargetFactory(code="MT1", programme=target.programme))


def test_period_code_unique_in_its_programme_and_ends_after_it_starts(db):
    period = PeriodFactory()
    refused(lambda: PeriodFactory(programme=period.programme, code=period.code))
    refused(
        lambda: Period.objects.create(
            programme=period.programme,
            code="X",
            kind_id="quarter",
            name="X",
            start=datetime.date(2024, 5, 1),
            end=datetime.date(2024, 4, 1),
            due=datetime.date(2024, 5, 1),
        )
    )


def test_unit_closes_after_it_opens_and_cannot_be_its_own_ancestor(db):
    refused(lambda: UnitFactory(opened_on=datetime.date(2024, 1, 1), closed_on=datetime.date(2023, 1, 1)))
    parent = UnitFactory()
    child = UnitFactory(parent=parent)
    parent.parent = child
    with pytest.raises(ValidationError, match="trực thuộc chính nó"):
        parent.full_clean()


def test_unit_activity_follows_its_dates(db):
    unit = Unit(opened_on=datetime.date(2020, 1, 1), closed_on=datetime.date(2025, 7, 1))
    assert unit.is_active_on(datetime.date(2024, 12, 31))
    assert not unit.is_active_on(datetime.date(2025, 7, 1))
    assert not unit.is_active_on(datetime.date(2019, 12, 31))


def test_recognition_needs_date_and_level_and_comes_after_registration(db):
    unit = UnitFactory()
    base = {
        "unit": unit,
        "year": 2024,
        "name": "Mô hình",
        "field_id": "forest",
        "registered_on": datetime.date(2024, 3, 1),
    }
    refused(
        lambda: ExemplaryModel.objects.create(
            **base, recognised_on=datetime.date(2024, 2, 1), recognition_level_id="district"
        )
    )
    refused(lambda: ExemplaryModel.objects.create(**base, recognised_on=datetime.date(2024, 5, 1)))
    refused(lambda: ExemplaryModel.objects.create(**base, recognition_level_id="district"))
    assert ExemplaryModel.objects.create(
        **base, recognised_on=datetime.date(2024, 5, 1), recognition_level_id="district"
    )
