"""Every change of the "Dân vận khéo" register happens here, atomically, after checking who may make it.

Messages of ``ValidationError`` are for the user, in Vietnamese, keyed by the model's field names.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.permissions import Action, require
from programme.models import ExemplaryModel, ModelField, RecognitionLevel, Unit
from reporting.totals import register_changed

NAME_MAX_LENGTH = ExemplaryModel._meta.get_field("name").max_length
FIELD_UNKNOWN = "Cần chọn một lĩnh vực trong danh sách lĩnh vực mô hình đang áp dụng."
LEVEL_UNKNOWN = "Cần chọn một cấp trong danh sách cấp công nhận."


def _day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


@transaction.atomic
def exemplary_model_register(
    *,
    user,
    unit: Unit,
    year: int,
    name: str,
    field: str,
    description: str = "",
    started_on: datetime.date | None = None,
    registered_on: datetime.date | None = None,
) -> ExemplaryModel:
    """Register a unit's model for the year; it counts for MT5a from ``registered_on`` (today by default)."""
    require(user, Action.REGISTER_MODEL, unit)
    name = " ".join(name.split())
    errors = {}
    if not name:
        errors["name"] = "Cần nhập tên mô hình."
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = f"Tên mô hình dài tối đa {NAME_MAX_LENGTH} ký tự (đang có {len(name)})."
    elif ExemplaryModel.objects.filter(unit=unit, year=year, name__iexact=name).exists():
        errors["name"] = f"Đơn vị đã đăng ký mô hình “{name}” năm {year}."
    if not ModelField.objects.filter(code=field).exists():
        errors["field"] = FIELD_UNKNOWN
    if errors:
        raise ValidationError(errors)
    model = ExemplaryModel(
        unit=unit,
        year=year,
        name=name,
        field_id=field,
        description=description.strip(),
        started_on=started_on,
        registered_on=registered_on or timezone.localdate(),
    )
    model.full_clean()
    model.save()
    register_changed(units=[unit], year=year)
    return model


@transaction.atomic
def exemplary_model_recognise(
    *, user, model: ExemplaryModel, recognised_on: datetime.date | None, level: str
) -> ExemplaryModel:
    """Recognise a registered model as điển hình "Dân vận khéo" at a level; it then counts for MT5b."""
    require(user, Action.RECOGNISE_MODEL, model.unit)
    # Re-read under a row lock so that two reviewers acting at once cannot both recognise it.
    # (Without the joined lists: a row lock cannot take the nullable side of an outer join.)
    model = ExemplaryModel.objects.select_related(None).select_for_update().get(pk=model.pk)
    if model.recognised_on is not None:
        raise ValidationError(
            f"Mô hình “{model.name}” đã được công nhận điển hình ngày {_day(model.recognised_on)} "
            f"({model.recognition_level.name.lower()})."
        )
    errors = {}
    if recognised_on is None:
        errors["recognised_on"] = "Cần nhập ngày công nhận."
    elif recognised_on < model.registered_on:
        errors["recognised_on"] = (
            f"Ngày công nhận điển hình không thể trước ngày đăng ký mô hình ({_day(model.registered_on)})."
        )
    if not RecognitionLevel.objects.filter(code=level).exists():
        errors["recognition_level"] = LEVEL_UNKNOWN
    if errors:
        raise ValidationError(errors)
    model.recognised_on = recognised_on
    model.recognition_level_id = level
    model.full_clean()
    model.save(update_fields=["recognised_on", "recognition_level"])
    register_changed(units=[model.unit], year=model.year)
    return model
