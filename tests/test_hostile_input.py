"""Random and malicious input never gives a 500, never saves anything partial, and is shown as text."""

import string

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programme.models import Period
from reporting.imports import ImportFileError, ImportRejected, import_values
from reporting.models import Submission, Value
from reporting.services import Figures, submission_import
from tests.addresses import programme_reverse

HOSTILE = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "1e309",
            "99999999999999999999999",
            "-0",
            "1,5",
            "1.500,25",
            "٣",  # an Arabic-Indic digit: a digit to Python, not to an officer
            "１２",  # full-width digits
            "e\u0301\u0301\u0301",  # combining marks
            "\x00",
            "NaN",
            "x" * 30_000,
            "'; DROP TABLE reporting_value; --",
        ]
    ),
)
FIELDS = ["num_MT1", "den_MT1", "num_MT6", "den_MT6", "note_MT1", "group_1", "shortcomings", "action", "version"]
hostile_settings = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@pytest.fixture
def q1(phong_tho):
    return Period.objects.get(programme=phong_tho, code="2024Q1")


def values_state():
    return sorted(Value.objects.values_list("submission_id", "target_id", "numerator", "denominator", "note"))


@hostile_settings
@given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(FIELDS, HOSTILE)))
def test_report_form_survives_anything(client, officer, commune, q1, data):
    client.force_login(officer)
    before = values_state()
    response = client.post(reverse("report", args=[q1.id, commune.code]), data)
    assert response.status_code in (302, 400, 409)
    if response.status_code != 302:
        assert values_state() == before  # nothing partial
        assert "Chưa" in response.text or "vừa được lưu" in response.text or "Thao tác" in response.text
    for value in Value.objects.all():
        assert value.numerator is None or value.denominator is None or 0 <= value.numerator <= value.denominator


def test_html_in_a_narrative_is_shown_as_text(client, officer, reviewer, commune, q1):
    client.force_login(officer)
    attack = '<script>alert("x")</script><b>đậm</b>'
    client.post(reverse("report", args=[q1.id, commune.code]), {"version": "", "action": "save", "group_1": attack})
    for user, name in ((officer, "report"), (reviewer, "review")):
        client.force_login(user)
        if name == "review":
            submission_import(unit=commune, period=q1, figures={}, actor_label="t")  # submit so it can be reviewed
        html = client.get(reverse(name, args=[q1.id, commune.code])).text
        assert "<script>alert" not in html and "<b>đậm</b>" not in html
        assert "&lt;script&gt;" in html or "&lt;b&gt;đậm&lt;/b&gt;" in html


@hostile_settings
@given(params=st.dictionaries(st.sampled_from(["ky", "loai", "trang_thai", "trang", "x"]), HOSTILE, max_size=4))
def test_inbox_and_register_query_parameters(client, reviewer, phong_tho, params):
    client.force_login(reviewer)
    for name in ("inbox", "register"):
        address = programme_reverse(name) if name == "inbox" else reverse(name)
        assert client.get(address, params).status_code == 200


@hostile_settings
@given(comment=HOSTILE, action=HOSTILE, version=HOSTILE)
def test_review_actions_survive_anything(client, reviewer, commune, q1, targets, comment, action, version):
    if not Submission.objects.exists():
        submission_import(unit=commune, period=q1, figures={targets["MT1"]: Figures(1, 2)}, actor_label="t")
    client.force_login(reviewer)
    before = list(Submission.objects.order_by("pk").values_list("status", "version"))
    response = client.post(
        reverse("review", args=[q1.id, commune.code]), {"action": action, "comment": comment, "version": version}
    )
    assert response.status_code in (200, 302, 409)
    if response.status_code != 302:
        assert list(Submission.objects.order_by("pk").values_list("status", "version")) == before


csv_cells = st.text(alphabet=string.printable + "đĐưƯ\u0301", max_size=12)


@hostile_settings
@given(
    rows=st.lists(st.lists(csv_cells, min_size=0, max_size=7), max_size=6),
    header=st.sampled_from(["unit,period,target,numerator,denominator", "unit;period;target", "", "đơn vị,kỳ"]),
    encoding=st.sampled_from(["utf-8", "utf-16", "cp1258", "latin-1"]),
)
def test_import_files_never_half_load(phong_tho, rows, header, encoding):
    text = header + "\n" + "\n".join(",".join(cell.replace(",", " ") for cell in row) for row in rows)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8", errors="replace")
    before = values_state()
    try:
        import_values(data, "so-lieu.csv")
    except ImportRejected as rejected:
        assert rejected.errors and all(str(error).startswith("Dòng ") for error in rejected.errors)
        assert values_state() == before
    except ImportFileError as refused:
        assert str(refused)
        assert values_state() == before


@hostile_settings
@given(data=st.binary(max_size=2000), name=st.sampled_from(["a.xlsx", "a.csv", "a.txt", "a"]))
def test_random_bytes_are_refused_clearly(phong_tho, data, name):
    before = values_state()
    with pytest.raises((ImportFileError, ImportRejected)):
        import_values(data, name)
    assert values_state() == before


@pytest.mark.parametrize(
    ("body", "refusal"),
    [
        (b"unit,period,target,numerator,denominator\n\r0,x\n", ImportRejected),  # a stray CR ends a line
        (b"unit,period,target,numerator,denominator\n03549,2024\x00,MT1,1,2\n", ImportFileError),
    ],
)
def test_malformed_csv_is_refused_clearly(phong_tho, body, refusal):
    before = values_state()
    with pytest.raises(refusal):
        import_values(body, "so-lieu.csv")
    assert values_state() == before


def test_digits_python_reads_but_int_refuses_never_crash(client, reviewer, commune, q1, targets):
    # "²".isdigit() is true, int("²") raises: ids and versions must be plain ASCII digits.
    submission_import(unit=commune, period=q1, figures={targets["MT1"]: Figures(1, 2)}, actor_label="t")
    client.force_login(reviewer)
    for name in ("inbox", "overview", "matrix", "completeness"):
        assert client.get(programme_reverse(name), {"ky": "²", "loai": "²"}).status_code in (200, 404)
    response = client.post(
        reverse("review", args=[q1.id, commune.code]), {"action": "approve", "comment": "", "version": "²"}
    )
    assert response.status_code == 409
    assert Submission.objects.get().status == "submitted"
