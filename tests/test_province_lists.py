"""The fields of the "Dân vận khéo" models and the recognition levels are the province's data, not code."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from programme.models import ExemplaryModel, ModelField, RecognitionLevel
from programme.services import exemplary_model_recognise, exemplary_model_register
from reporting.totals import totals_refresh
from tests.test_approved_frozen import admin_save
from tests.test_register import MARCH_1, REGISTER, in_2024, recognise_data, register_model  # noqa: F401

LAST_DAY_OF_DISTRICTS = datetime.date(2025, 6, 30)
FIRST_DAY_WITHOUT = datetime.date(2025, 7, 1)


def test_the_migration_made_the_lists_of_lai_chau(db):
    assert list(ModelField.objects.values_list("code", "basis", "active")) == [
        (code, "Kết luận 69-KL/TU", True) for code in ["economy", "forest", "culture", "customs", "security"]
    ]
    assert list(RecognitionLevel.objects.values_list("code", "name", "valid_from", "valid_until")) == [
        ("commune", "Cấp xã", None, None),
        ("district", "Cấp huyện", None, LAST_DAY_OF_DISTRICTS),
        ("province", "Cấp tỉnh", None, None),
        ("national", "Toàn quốc", None, None),
    ]


@pytest.mark.usefixtures("in_2024", "period_2024")
def test_a_field_added_as_data_is_offered_and_accepted(client, officer, commune):
    ModelField.objects.create(code="digital", name="Chuyển đổi số ở thôn, bản", basis="Kết luận 99-KL/TU", order=6)
    client.force_login(officer)
    page = client.get(REGISTER)
    assert '<option value="digital">Chuyển đổi số ở thôn, bản</option>' in page.text
    assert "Theo Kết luận 69-KL/TU, Kết luận 99-KL/TU." in page.text

    data = {"name": "Cài đặt ứng dụng cho người dân", "field": "digital"}
    response = client.post(REGISTER, data, follow=True)
    assert response.redirect_chain == [(REGISTER, 302)]
    assert ExemplaryModel.objects.get().field_id == "digital"
    assert "Chuyển đổi số ở thôn, bản" in response.text


@pytest.mark.usefixtures("in_2024", "period_2024")
def test_a_field_no_longer_in_use_is_not_offered_but_its_models_keep_it(client, officer, reviewer, commune):
    kept = register_model(reviewer, commune, field="customs")
    ModelField.objects.filter(code="customs").update(active=False)
    client.force_login(officer)
    page = client.get(REGISTER)
    assert 'value="customs"' not in page.text
    assert "Xóa bỏ tập tục lạc hậu" in page.text  # the model registered in it still shows it

    response = client.post(REGISTER, {"name": "Mô hình mới", "field": "customs"})
    assert "Cần chọn một lĩnh vực trong danh sách lĩnh vực mô hình đang áp dụng." in response.text
    with pytest.raises(ValidationError) as refused:
        register_model(reviewer, commune, name="Mô hình mới", field="customs")
    assert refused.value.message_dict == {
        "field": ["Lĩnh vực “Xóa bỏ tập tục lạc hậu” không còn áp dụng cho mô hình đăng ký mới."]
    }
    assert list(ExemplaryModel.objects.all()) == [kept]

    client.force_login(reviewer)
    assert '<option value="customs">Xóa bỏ tập tục lạc hậu</option>' in client.get(REGISTER).text  # the filter


def test_district_level_is_accepted_until_30_june_2025(reviewer, commune):
    model = register_model(reviewer, commune)
    exemplary_model_recognise(user=reviewer, model=model, recognised_on=LAST_DAY_OF_DISTRICTS, level="district")
    model.refresh_from_db()
    assert (model.recognised_on, model.recognition_level_id) == (LAST_DAY_OF_DISTRICTS, "district")


def test_district_level_is_refused_from_1_july_2025(reviewer, commune):
    model = register_model(reviewer, commune)
    with pytest.raises(ValidationError) as refused:
        exemplary_model_recognise(user=reviewer, model=model, recognised_on=FIRST_DAY_WITHOUT, level="district")
    assert refused.value.message_dict == {
        "recognition_level": [
            "Cấp huyện chỉ dùng để công nhận đến 30/06/2025; ngày công nhận 01/07/2025 nằm ngoài thời gian đó."
        ]
    }
    model.refresh_from_db()
    assert model.recognised_on is None and model.recognition_level is None
    exemplary_model_recognise(user=reviewer, model=model, recognised_on=FIRST_DAY_WITHOUT, level="commune")


def test_the_register_page_offers_the_levels_with_their_days_and_refuses_one_out_of_use(client, reviewer, commune):
    model = register_model(reviewer, commune)
    client.force_login(reviewer)
    page = client.get(REGISTER)
    assert '<option value="district">Cấp huyện (đến 30/06/2025)</option>' in page.text
    assert '<option value="province">Cấp tỉnh</option>' in page.text

    response = client.post(reverse("model_recognise", args=[model.pk]), recognise_data(model, "2025-07-01"))
    assert response.status_code == 200
    assert "Cấp huyện chỉ dùng để công nhận đến 30/06/2025; ngày công nhận 01/07/2025" in response.text
    model.refresh_from_db()
    assert model.recognised_on is None


def test_a_level_added_as_data_with_a_start_is_refused_before_it(reviewer, commune):
    RecognitionLevel.objects.create(code="ward", name="Cấp phường", order=9, valid_from=datetime.date(2025, 7, 1))
    model = register_model(reviewer, commune)
    with pytest.raises(ValidationError, match="Cấp phường chỉ dùng để công nhận từ 01/07/2025"):
        exemplary_model_recognise(user=reviewer, model=model, recognised_on=LAST_DAY_OF_DISTRICTS, level="ward")
    exemplary_model_recognise(user=reviewer, model=model, recognised_on=FIRST_DAY_WITHOUT, level="ward")


def test_the_admin_refuses_a_level_out_of_use_on_the_recognition_day(admin_client, reviewer, commune):
    model = exemplary_model_register(
        user=reviewer, unit=commune, year=2024, name="Mô hình", field="forest", registered_on=MARCH_1
    )
    response = admin_save(admin_client, model, recognised_on="2025-07-01", recognition_level="district")
    assert response.status_code == 200
    assert "Cấp huyện chỉ dùng để công nhận đến 30/06/2025" in response.content.decode()
    model.refresh_from_db()
    assert model.recognised_on is None


def test_a_backup_made_before_the_lists_were_data_loads(reviewer, commune, tmp_path):
    """A model not recognised was stored with the empty level ""; it loads as no level."""
    path = tmp_path / "old.json"
    fields = {
        "unit": commune.pk,
        "year": 2024,
        "name": "Mô hình cũ",
        "field": "forest",
        "description": "",
        "started_on": None,
        "registered_on": "2024-03-01",
        "recognised_on": None,
        "recognition_level": "",
    }
    path.write_text(json.dumps([{"model": "programme.exemplarymodel", "pk": 900, "fields": fields}]), "utf-8")
    call_command("loaddata", str(path), verbosity=0)
    totals_refresh()  # loaded past the paths that keep the district's sums
    model = ExemplaryModel.objects.get(pk=900)
    assert (model.field.name, model.recognition_level) == ("Bảo vệ và phát triển rừng", None)
