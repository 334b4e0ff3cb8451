"""Every change of the "Dân vận khéo" register happens here, atomically, after checking who may make it.

Messages of ``ValidationError`` are for the user, in Vietnamese, keyed by the model's field names.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.permissions import Action, require
from programme.models import ExemplaryModel, Unit
from reporting.totals import register_changed

NAME_MAX_LENGTH = ExemplaryModel._meta.get_field("name").max_length


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
    if field not in ExemplaryModel.Field.values:
        errors["field"] = "Lĩnh vực phải là một trong năm lĩnh vực của Kết luận 69-KL/TU."
    if errors:
        raise ValidationError(errors)
    model = ExemplaryModel(
        unit=unit,
        year=year,
        name=name,
        field=field,
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
    require(user, Action.RECOGNISE_MODEL)
    # Re-read under a row lock so that two reviewers acting at once cannot both recognise it.
    model = ExemplaryModel.objects.select_for_update().get(pk=model.pk)
    if model.recognised_on is not None:
        raise ValidationError(
            f"Mô hình “{model.name}” đã được công nhận điển hình ngày {_day(model.recognised_on)} "
            f"({model.get_recognition_level_display().lower()})."
        )
    errors = {}
    if recognised_on is None:
        errors["recognised_on"] = "Cần nhập ngày công nhận."
    elif recognised_on < model.registered_on:
        errors["recognised_on"] = (
            f"Ngày công nhận điển hình không thể trước ngày đăng ký mô hình ({_day(model.registered_on)})."
        )
    if level not in ExemplaryModel.Level.values:
        errors["recognition_level"] = "Cần chọn cấp công nhận (cấp xã, huyện, tỉnh hoặc toàn quốc)."
    if errors:
        raise ValidationError(errors)
    model.recognised_on = recognised_on
    model.recognition_level = level
    model.full_clean()
    model.save(update_fields=["recognised_on", "recognition_level"])
    register_changed(units=[model.unit], year=model.year)
    return model
