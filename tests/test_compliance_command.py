"""``manage.py compliance PERIOD [--format table|csv|json] [--by-unit] [--approved-only]``.

The figures are loaded the way a district office would: a file through ``manage.py import_values``, plus
the "Dân vận khéo" register. Every expected number below is worked out by hand in the comments.

Units of the shipped fixtures (fixtures/units_phong_tho.json), all active in 2024:
17 communes, 5 party boards, 15 government bodies, 6 mass organisations, 2 party organisations,
5 armed forces = 50 reporting units. So a target's units expected are
MT1 (party organisations: communes + party organisations + armed forces): 17 + 2 + 5 = 24;
MT2, MT3a, MT5a, MT5b (every kind): 50; MT3b, MT6, MT7, MT8 (communes): 17;
MT4a (communes + government): 17 + 15 = 32; MT4b, MT4c (communes + government + armed forces): 37.
"""

import csv
import datetime
import io
import json
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from programme.models import ExemplaryModel, Unit
from reporting.models import Submission, Value
from reporting.totals import totals_refresh
from tests.factories import IMPORT_HEADER, category_rows

COLUMNS = [
    "target",
    "operator",
    "threshold",
    "numerator",
    "denominator",
    "percent",
    "status",
    "units_reporting",
    "units_expected",
    "units_meeting",
    "complete",
]
UNIT_COLUMNS = ["unit", "unit_name", *COLUMNS]
ALL_TARGETS = ["MT1", "MT2", "MT3a", "MT3b", "MT4a", "MT4b", "MT4c", "MT5a", "MT5b", "MT6", "MT7", "MT8"]
NOT_ANNUAL_TARGETS = [code for code in ALL_TARGETS if code not in ("MT4c", "MT8")]

FILE_ROWS = [
    # 2024Q1
    ("03549", "2024Q1", "MT6", 45, 50),  # exactly 90%: not "> 90"
    # 2024S1
    ("03549", "2024S1", "MT1", 3, 10),
    ("03391", "2024S1", "MT1", 4, 10),
    ("03549", "2024S1", "MT6", 46, 50),
    ("03549", "2024S1", "MT7", 90, 100),
    # 2024 (annual)
    ("03549", "2024", "MT1", 10, 10),
    ("03391", "2024", "MT1", 8, 10),
    ("109-CA", "2024", "MT1", 5, 5),
    ("109-DBCQ", "2024", "MT1", 0, 0),  # not applicable here: leaves MT1's sums and its units expected
    ("03549", "2024", "MT4a", 2, 3),
    ("03549", "2024", "MT6", 50, 50),
    ("03391", "2024", "MT6", 31, 40),
    ("03549", "2024", "MT7", 96, 100),
    ("03490", "2024", "MT7", 0, 0),  # not applicable here
    ("03549", "2024", "MT8", 20, 20),
    ("03391", "2024", "MT8", 19, 20),
]

REGISTER = [
    # (unit, year, registered on, recognised on): feeds MT5a (registered) and MT5b (recognised).
    ("03549", 2024, datetime.date(2024, 3, 1), datetime.date(2024, 9, 15)),
    ("03549", 2024, datetime.date(2024, 5, 1), None),  # a second model: the unit still counts once
    ("03391", 2024, datetime.date(2024, 8, 1), None),  # after 2024S1 ends
    ("109-CA", 2024, datetime.date(2024, 12, 31), datetime.date(2025, 1, 10)),  # on 2024's last day; recognised after
    ("03490", 2023, datetime.date(2023, 5, 1), datetime.date(2023, 10, 1)),  # last year's model: never counts
]


def row(target, operator, threshold, num, den, percent, status, reporting, expected, meeting, complete=False) -> dict:
    """A row of the output; ``complete`` when every expected unit reported (the verdict is not provisional)."""
    values = [target, operator, threshold, num, den, percent, status, reporting, expected, meeting, complete]
    return dict(zip(COLUMNS, values, strict=True))


def no_data(target, operator, threshold, expected, complete=False) -> dict:
    return row(target, operator, threshold, 0, 0, None, "no_data", 0, expected, 0, complete)


EXPECTED_2024 = [
    # MT1 ≥ 100, cumulative, judged now: 03549 10/10, 03391 8/10, 109-CA 5/5 (109-DBCQ 0/0 drops out)
    #   Σ 23/25 = 92.00% → not_met; 3 reporting; 24 − 1 = 23 expected; meeting: 03549, 109-CA = 2
    row("MT1", ">=", 100, 23, 25, 92, "not_met", 3, 23, 2),
    no_data("MT2", ">=", 100, 50),
    no_data("MT3a", ">=", 100, 50),
    no_data("MT3b", ">=", 100, 17),
    # MT4a: 03549 2/3 = 66.666…% → 66.67, not_met; meeting 0
    row("MT4a", ">=", 100, 2, 3, 66.67, "not_met", 1, 32, 0),
    no_data("MT4b", ">=", 100, 37),
    no_data("MT4c", ">", 70, 37),
    # MT5a: registered by 31/12/2024 with a 2024 model: 03549, 03391, 109-CA → 3 of 50 = 6.00%
    row("MT5a", ">=", 100, 3, 50, 6, "not_met", 50, 50, 3, complete=True),
    # MT5b: recognised by 31/12/2024: 03549 only (109-CA on 10/01/2025, 03490's is a 2023 model) → 1/50 = 2%
    row("MT5b", ">=", 100, 1, 50, 2, "not_met", 50, 50, 1, complete=True),
    # MT6 > 90: 03549 50/50 (meets), 03391 31/40 = 77.5% → Σ 81/90 = 90.00% exactly → not "> 90": not_met
    row("MT6", ">", 90, 81, 90, 90, "not_met", 2, 17, 1),
    # MT7 > 95: 03549 96/100 (03490 0/0 drops out) → 96%, met; 17 − 1 = 16 expected
    row("MT7", ">", 95, 96, 100, 96, "met", 1, 16, 1),
    # MT8 > 95, annual: 03549 20/20, 03391 19/20 = 95% (not > 95) → Σ 39/40 = 97.5%, met; meeting 1
    row("MT8", ">", 95, 39, 40, 97.5, "met", 2, 17, 1),
]

EXPECTED_2024S1 = [
    # MT1 cumulative, before the annual report: 03549 3/10 + 03391 4/10 = 7/20 = 35% → in_progress
    row("MT1", ">=", 100, 7, 20, 35, "in_progress", 2, 24, 0),
    no_data("MT2", ">=", 100, 50),
    no_data("MT3a", ">=", 100, 50),
    no_data("MT3b", ">=", 100, 17),
    no_data("MT4a", ">=", 100, 32),
    no_data("MT4b", ">=", 100, 37),
    # MT5a by 30/06/2024: 03549 only (03391 registered 01/08) → 1/50 = 2%, cumulative → in_progress
    row("MT5a", ">=", 100, 1, 50, 2, "in_progress", 50, 50, 1, complete=True),
    # MT5b by 30/06/2024: nobody → 0/50 = 0%
    row("MT5b", ">=", 100, 0, 50, 0, "in_progress", 50, 50, 0, complete=True),
    # MT6 > 90, judged every report: 46/50 = 92% → met
    row("MT6", ">", 90, 46, 50, 92, "met", 1, 17, 1),
    # MT7 > 95, judged every report: 90/100 = 90% → not_met (a state target is never "in progress")
    row("MT7", ">", 95, 90, 100, 90, "not_met", 1, 17, 0),
]


@pytest.fixture
def loaded(phong_tho, tmp_path):
    """FILE_ROWS loaded with ``import_values`` (as submitted reports) and REGISTER in the register."""
    path = tmp_path / "so-lieu.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(IMPORT_HEADER)
        writer.writerows(category_rows(FILE_ROWS))
    call_command("import_values", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    units = {unit.code: unit for unit in Unit.objects.all()}
    ExemplaryModel.objects.bulk_create(
        [
            ExemplaryModel(
                unit=units[code],
                year=year,
                name=f"Mô hình {i}",
                field_id="forest",
                registered_on=registered,
                recognised_on=recognised,
                recognition_level_id="district" if recognised else None,
            )
            for i, (code, year, registered, recognised) in enumerate(REGISTER)
        ]
    )
    totals_refresh()  # written past the paths that keep the district's sums
    return phong_tho


def compliance(*args: str) -> str:
    out = io.StringIO()
    call_command("compliance", *args, stdout=out)
    return out.getvalue()


def compliance_json(period: str, *flags: str) -> dict:
    return json.loads(compliance(period, "--format", "json", *flags))


def by_target(rows: list[dict]) -> dict[str, dict]:
    return {r["target"]: r for r in rows}


# --- the district figures ------------------------------------------------------------------------------------


def test_annual_figures_equal_the_hand_calculation(loaded):
    """The foundation issue's "done when": import a file, then ``compliance 2024 --format json``."""
    # the file's (unit, period) pairs: 2024Q1 03549; 2024S1 03549, 03391; 2024 03549, 03391, 109-CA, 109-DBCQ, 03490
    assert Submission.objects.filter(status="submitted").count() == 8

    document = compliance_json("2024")

    assert document == {"period": "2024", "approved_only": False, "rows": EXPECTED_2024}


def test_six_month_figures_equal_the_hand_calculation(loaded):
    assert compliance_json("2024S1") == {"period": "2024S1", "approved_only": False, "rows": EXPECTED_2024S1}


def test_cumulative_target_below_threshold_is_in_progress_until_the_annual_report(loaded):
    interim, annual = by_target(compliance_json("2024S1")["rows"]), by_target(compliance_json("2024")["rows"])

    assert (interim["MT1"]["percent"], interim["MT1"]["status"]) == (35, "in_progress")
    assert (annual["MT1"]["percent"], annual["MT1"]["status"]) == (92, "not_met")


def test_strict_threshold_is_not_met_at_exactly_the_threshold(loaded):
    # 2024Q1: 03549 MT6 45/50 = 90.00% → "> 90" fails, for the district and for the unit itself
    mt6 = by_target(compliance_json("2024Q1")["rows"])["MT6"]

    assert mt6 == row("MT6", ">", 90, 45, 50, 90, "not_met", 1, 17, 0)


def test_annual_targets_appear_only_in_the_annual_period(loaded):
    for period in ("2024Q1", "2024S1", "2024Q3"):
        assert [r["target"] for r in compliance_json(period)["rows"]] == NOT_ANNUAL_TARGETS
    annual = compliance_json("2024")["rows"]
    assert [r["target"] for r in annual] == ALL_TARGETS
    assert by_target(annual)["MT8"]["denominator"] == 40


def test_register_targets_follow_the_period_end(loaded):
    # MT5a: registered by the period's end; MT5b: recognised by it (REGISTER, 2024 models only)
    expected = {
        "2024Q1": (1, 0),  # 03549 registered 01/03; no recognition yet
        "2024S1": (1, 0),  # 03391 registers only on 01/08
        "2024Q3": (2, 1),  # 03549, 03391; 03549 recognised 15/09
        "2024": (3, 1),  # + 109-CA on 31/12; its recognition (10/01/2025) is after the end
    }
    for period, (registered, recognised) in expected.items():
        rows = by_target(compliance_json(period)["rows"])
        assert (rows["MT5a"]["numerator"], rows["MT5a"]["denominator"]) == (registered, 50), period
        assert (rows["MT5b"]["numerator"], rows["MT5b"]["denominator"]) == (recognised, 50), period
        assert rows["MT5a"]["units_meeting"] == registered, period


@pytest.mark.parametrize("status", ["draft", "returned"])
def test_reports_not_submitted_do_not_count(loaded, status):
    report = Submission.objects.create(
        unit=Unit.objects.get(code="03550"), period=loaded.periods.get(code="2024"), status=status
    )
    targets = {t.code: t for t in loaded.targets.all()}
    Value.objects.bulk_create(
        [
            Value(submission=report, target=targets["MT1"], numerator=0, denominator=10),
            Value(submission=report, target=targets["MT6"], numerator=0, denominator=100),
        ]
    )
    totals_refresh()  # written past the paths that keep the district's sums

    assert compliance_json("2024")["rows"] == EXPECTED_2024

    # Once submitted, the same report does count: MT1 23/(25+10) = 65.714…% → 65.71, 4 reporting;
    # MT6 81/(90+100) = 42.631…% → 42.63, 3 reporting.
    Submission.objects.filter(pk=report.pk).update(status="submitted")
    totals_refresh()  # written past the paths that keep the district's sums
    rows = by_target(compliance_json("2024")["rows"])
    assert rows["MT1"] == row("MT1", ">=", 100, 23, 35, 65.71, "not_met", 4, 23, 2)
    assert rows["MT6"] == row("MT6", ">", 90, 81, 190, 42.63, "not_met", 3, 17, 1)


def test_approved_only_counts_only_approved_reports(loaded):
    Submission.objects.filter(unit__code="03549", period__code="2024").update(status="approved")
    totals_refresh()  # written past the paths that keep the district's sums

    document = compliance_json("2024", "--approved-only")

    assert document["approved_only"] is True
    rows = by_target(document["rows"])
    # Only 03549's 2024 report counts; 109-DBCQ's and 03490's 0/0 are in reports not approved, so every
    # applicable unit stays expected.
    assert rows["MT1"] == row("MT1", ">=", 100, 10, 10, 100, "met", 1, 24, 1)
    assert rows["MT4a"] == row("MT4a", ">=", 100, 2, 3, 66.67, "not_met", 1, 32, 0)
    assert rows["MT6"] == row("MT6", ">", 90, 50, 50, 100, "met", 1, 17, 1)
    assert rows["MT7"] == row("MT7", ">", 95, 96, 100, 96, "met", 1, 17, 1)
    assert rows["MT8"] == row("MT8", ">", 95, 20, 20, 100, "met", 1, 17, 1)
    # the register does not depend on approval
    assert rows["MT5a"] == by_target(EXPECTED_2024)["MT5a"]
    # without the flag, submitted and approved reports both count
    assert compliance_json("2024") == {"period": "2024", "approved_only": False, "rows": EXPECTED_2024}


def test_approved_only_with_nothing_approved_has_no_data(loaded):
    rows = by_target(compliance_json("2024S1", "--approved-only")["rows"])

    assert rows["MT1"] == no_data("MT1", ">=", 100, 24)
    assert rows["MT6"] == no_data("MT6", ">", 90, 17)


# --- the shape of each format --------------------------------------------------------------------------------


def test_json_has_exactly_the_documented_keys(loaded):
    document = compliance_json("2024")

    assert set(document) == {"period", "approved_only", "rows"}
    assert len(document["rows"]) == 12
    for r in document["rows"]:
        assert list(r) == COLUMNS


def test_json_by_unit_adds_one_row_per_unit_and_applicable_target(loaded):
    document = compliance_json("2024", "--by-unit")

    assert set(document) == {"period", "approved_only", "rows", "units"}
    assert document["rows"] == EXPECTED_2024
    for r in document["units"]:
        assert list(r) == UNIT_COLUMNS
    # units expected per target (module docstring), the 0/0 units included: 24 + 4·50 + 4·17 + 32 + 2·37 = 398
    per_target = Counter(r["target"] for r in document["units"])
    assert per_target == {
        "MT1": 24,
        **dict.fromkeys(["MT2", "MT3a", "MT5a", "MT5b"], 50),
        **dict.fromkeys(["MT3b", "MT6", "MT7", "MT8"], 17),
        "MT4a": 32,
        "MT4b": 37,
        "MT4c": 37,
    }
    assert len(document["units"]) == 398
    assert len({(r["unit"], r["target"]) for r in document["units"]}) == 398

    units = {(r["unit"], r["target"]): r for r in document["units"]}
    unit_row = {key: {k: v for k, v in r.items() if k not in ("unit", "unit_name")} for key, r in units.items()}
    assert units[("03549", "MT6")]["unit_name"] == "Thị trấn Phong Thổ"
    assert unit_row[("03549", "MT6")] == row("MT6", ">", 90, 50, 50, 100, "met", 1, 1, 1, complete=True)
    assert unit_row[("03391", "MT6")] == row("MT6", ">", 90, 31, 40, 77.5, "not_met", 1, 1, 0, complete=True)
    assert unit_row[("03391", "MT8")] == row("MT8", ">", 95, 19, 20, 95, "not_met", 1, 1, 0, complete=True)
    assert unit_row[("03391", "MT1")] == row("MT1", ">=", 100, 8, 10, 80, "not_met", 1, 1, 0, complete=True)
    # 0/0: the target does not apply to this unit
    assert unit_row[("109-DBCQ", "MT1")] == no_data("MT1", ">=", 100, 0, complete=True)
    # no report at all: still expected
    assert unit_row[("03550", "MT6")] == no_data("MT6", ">", 90, 1)
    # register targets: 1 of 1 when the unit has a (recognised) model by the period's end
    assert unit_row[("109-CA", "MT5a")] == row("MT5a", ">=", 100, 1, 1, 100, "met", 1, 1, 1, complete=True)
    assert unit_row[("109-CA", "MT5b")] == row("MT5b", ">=", 100, 0, 1, 0, "not_met", 1, 1, 0, complete=True)
    # armed forces get only the targets that apply to them
    assert sorted(t for u, t in units if u == "109-CA") == ["MT1", "MT2", "MT3a", "MT4b", "MT4c", "MT5a", "MT5b"]


def test_csv_has_the_documented_columns(loaded):
    table = list(csv.reader(io.StringIO(compliance("2024", "--format", "csv"))))

    assert table[0] == COLUMNS
    assert [r[0] for r in table[1:]] == ALL_TARGETS
    rows = {r[0]: r for r in table[1:]}
    assert rows["MT6"] == ["MT6", ">", "90", "81", "90", "90", "not_met", "2", "17", "1", "false"]
    assert rows["MT8"] == ["MT8", ">", "95", "39", "40", "97.50", "met", "2", "17", "1", "false"]
    assert rows["MT4a"] == ["MT4a", ">=", "100", "2", "3", "66.67", "not_met", "1", "32", "0", "false"]
    assert rows["MT2"] == ["MT2", ">=", "100", "0", "0", "", "no_data", "0", "50", "0", "false"]


def test_csv_by_unit_adds_unit_columns_and_unit_rows(loaded):
    table = list(csv.DictReader(io.StringIO(compliance("2024", "--format", "csv", "--by-unit"))))

    assert list(table[0]) == UNIT_COLUMNS
    district = [r for r in table if r["unit"] == ""]
    units = [r for r in table if r["unit"] != ""]
    assert [r["target"] for r in district] == ALL_TARGETS
    assert all(r["unit_name"] == "" for r in district)
    assert len(units) == 398
    by_key = {(r["unit"], r["target"]): r for r in units}
    assert by_key[("03391", "MT6")] == {
        "unit": "03391",
        "unit_name": "Xã Lả Nhì Thàng",
        **dict(zip(COLUMNS, ["MT6", ">", "90", "31", "40", "77.50", "not_met", "1", "1", "0", "true"], strict=True)),
    }
    assert by_key[("109-DBCQ", "MT1")]["status"] == "no_data"
    assert by_key[("109-DBCQ", "MT1")]["units_expected"] == "0"


def test_table_prints_a_header_and_a_line_per_target(loaded):
    lines = compliance("2024").splitlines()  # table is the default format

    assert lines[0].split() == COLUMNS
    assert len(lines) == 1 + 12
    assert [line.split()[0] for line in lines[1:]] == ALL_TARGETS
    body = {line.split()[0]: line.split() for line in lines[1:]}
    assert body["MT6"] == ["MT6", ">", "90", "81", "90", "90", "not_met", "2", "17", "1", "false"]
    assert body["MT1"] == ["MT1", ">=", "100", "23", "25", "92", "not_met", "3", "23", "2", "false"]
    # columns line up: each value starts under its heading
    assert lines[1].index("not_met") == lines[0].index("status")
    assert compliance("2024", "--format", "table") == compliance("2024")


def test_table_by_unit_adds_unit_lines(loaded):
    lines = compliance("2024S1", "--by-unit").splitlines()

    assert lines[0].split() == UNIT_COLUMNS
    # 2024S1 has no annual targets: 24 (MT1) + 4·50 + 3·17 (MT3b, MT6, MT7) + 32 + 37 = 344 unit lines, after 10
    # district lines
    assert len(lines) == 1 + 10 + 344
    assert any(line.startswith("03549") and "Thị trấn Phong Thổ" in line and " MT6 " in line for line in lines)


# --- refusals ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("period", ["2023", "2024Q2", "2025Q1", "khong-co"])
def test_unknown_period_is_refused_in_vietnamese(phong_tho, period):
    with pytest.raises(CommandError) as refused:
        compliance(period)

    assert str(refused.value) == f"Không có kỳ báo cáo mã “{period}”."


def test_unknown_format_is_refused(phong_tho):
    with pytest.raises(CommandError, match="xml"):
        compliance("2024", "--format", "xml")


def test_unknown_programme_is_refused(phong_tho):
    with pytest.raises(CommandError) as refused:
        compliance("2024", "--programme", "khong-co")

    assert "Không có kỳ báo cáo mã “2024”" in str(refused.value)
