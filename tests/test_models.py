"""What the database itself refuses to store, whatever code tries."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

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
