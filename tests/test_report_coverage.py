"""What a unit's report covers is decided by the service, not by whoever calls it: a caller can neither leave a
covered target or task group out of a submitted report, nor slip in figures for a target the report leaves out.

On the shipped fixtures "03549" is a commune and "109-CA" the district police (armed forces); MT6, MT7, MT8 apply
to communes only, MT4c and MT8 are annual ratings, MT5a/MT5b come from the register.
"""

from dataclasses import replace

import pytest

from accounts.roles import Role
from programme.models import TaskGroup, Unit
from programme.rules import report_coverage
from reporting.forms import ReportForm
from reporting.models import Submission, Value
from reporting.selectors.reports import report_sheet
from reporting.services import Figures, SubmissionError, submission_import, submission_save
from tests.factories import make_district, make_user, total_figures
from tests.test_review import complete_content, period


def officer_of(unit: Unit):
    return make_user(f"canbo-{unit.code}", Role.OFFICER, unit=unit)


def nothing_saved(unit: Unit, period_) -> bool:
    return not Submission.objects.filter(unit=unit, period=period_).exists() and not Value.objects.exists()


@pytest.mark.parametrize(("code", "left_out"), [("2024Q1", "MT1"), ("2024S1", "MT6"), ("2024", "MT8")])
def test_submit_is_refused_when_the_content_leaves_out_a_covered_target(phong_tho, commune, code, left_out):
    """A caller passing fewer targets could once submit an incomplete report."""
    period_ = period(phong_tho, code)
    content = complete_content(commune, period_)
    fewer = replace(content, figures={t: f for t, f in content.figures.items() if t.code != left_out})
    assert len(fewer.figures) == len(content.figures) - 1

    with pytest.raises(SubmissionError, match=f"số liệu chỉ tiêu {left_out}"):
        submission_save(
            user=officer_of(commune), unit=commune, period=period_, version=None, content=fewer, submit=True
        )
    assert nothing_saved(commune, period_)


def test_submit_is_refused_when_the_content_leaves_out_a_task_group(phong_tho, commune):
    q1 = period(phong_tho, "2024Q1")
    content = complete_content(commune, q1)
    fewer = replace(content, narratives={g: text for g, text in content.narratives.items() if g.number != 4})

    with pytest.raises(SubmissionError, match="kết quả nhóm nhiệm vụ 4"):
        submission_save(user=officer_of(commune), unit=commune, period=q1, version=None, content=fewer, submit=True)
    assert nothing_saved(commune, q1)


def test_the_annual_rating_is_asked_for_in_the_annual_report_only(phong_tho, commune, targets):
    """The boundary: a half-year report is complete without MT8; the annual report is not."""
    s1, year = period(phong_tho, "2024S1"), period(phong_tho, "2024")
    officer = officer_of(commune)
    content = complete_content(commune, s1)
    assert targets["MT8"] not in content.figures

    submitted = submission_save(user=officer, unit=commune, period=s1, version=None, content=content, submit=True)

    assert submitted.status == Submission.Status.SUBMITTED
    with pytest.raises(SubmissionError, match="số liệu chỉ tiêu MT8"):
        submission_save(user=officer, unit=commune, period=year, version=None, content=content, submit=True)


UNCOVERED = [
    pytest.param("109-CA", "2024Q1", "MT6", ["MT6", "không áp dụng", "Công an huyện"], id="another-kinds-target"),
    pytest.param("03549", "2024Q3", "MT8", ["MT8", "chỉ báo cáo trong kỳ báo cáo năm"], id="annual-in-a-quarter"),
    pytest.param("03549", "2024S1", "MT4c", ["MT4c", "chỉ báo cáo trong kỳ báo cáo năm"], id="annual-in-six-months"),
    pytest.param("03549", "2024", "MT5a", ["MT5a", "sổ mô hình", "không nhập số liệu"], id="register-target"),
]


def saved_by_officer(unit, period_, figures):
    return submission_save(
        user=officer_of(unit),
        unit=unit,
        period=period_,
        version=None,
        content=replace(complete_content(unit, period_), figures=figures),
        submit=False,
    )


def imported(unit, period_, figures):
    return submission_import(unit=unit, period=period_, figures=figures, actor_label="Tệp thử")


@pytest.mark.parametrize("save", [saved_by_officer, imported], ids=["form", "import"])
@pytest.mark.parametrize(("unit_code", "code", "target", "words"), UNCOVERED)
def test_figures_for_a_target_the_report_leaves_out_are_refused(
    phong_tho, targets, save, unit_code, code, target, words
):
    unit, period_ = Unit.objects.get(code=unit_code), period(phong_tho, code)
    covered = complete_content(unit, period_).figures

    with pytest.raises(SubmissionError) as refused:
        save(unit, period_, {**covered, targets[target]: total_figures(targets[target], 1, 2)})

    missing = [word for word in words if word not in str(refused.value)]
    assert not missing, f"{refused.value} lacks {missing}"
    assert nothing_saved(unit, period_)


@pytest.mark.parametrize("save", [saved_by_officer, imported], ids=["form", "import"])
def test_the_annual_rating_is_taken_in_the_annual_report(phong_tho, commune, targets, save):
    year = period(phong_tho, "2024")

    submission = save(commune, year, {targets["MT8"]: total_figures(targets["MT8"], 1, 2)})

    assert submission.values.get(target=targets["MT8"]).numerator == 1


@pytest.mark.parametrize("save", [saved_by_officer, imported], ids=["form", "import"])
def test_figures_for_another_programmes_target_are_refused(phong_tho, commune, save):
    q1 = period(phong_tho, "2024Q1")
    _, _, (elsewhere,) = make_district(0, targets=1)

    with pytest.raises(SubmissionError, match=f"chỉ tiêu {elsewhere.code} thuộc chương trình khác"):
        save(commune, q1, {elsewhere: Figures(1, 2)})
    assert nothing_saved(commune, q1)


def test_a_text_for_another_programmes_task_group_is_refused(phong_tho, commune):
    q1 = period(phong_tho, "2024Q1")
    elsewhere = TaskGroup.objects.create(programme=make_district(0, targets=0)[0], number=9, title="Nhóm khác")
    content = complete_content(commune, q1)

    with pytest.raises(SubmissionError, match="không có nhóm nhiệm vụ 9"):
        submission_save(
            user=officer_of(commune),
            unit=commune,
            period=q1,
            version=None,
            content=replace(content, narratives={**content.narratives, elsewhere: "Đã làm."}),
            submit=False,
        )
    assert nothing_saved(commune, q1)


# Task groups apply by unit kind, as targets do: on the shipped fixtures group 3 (the Front and the mass
# organisations) is written by communes and the Front's bodies, group 2 (the government's work) by communes,
# government bodies and the armed forces, groups 1 and 4 otherwise.
@pytest.mark.parametrize(
    ("code", "asked"),
    [("03549", [1, 2, 3, 4]), ("109-MTTQ", [3, 4]), ("109-UBND", [2, 4]), ("109-CA", [1, 2, 4]), ("109-BTC", [1, 4])],
)
def test_a_report_asks_for_the_task_groups_of_its_units_kind(phong_tho, code, asked):
    unit = Unit.objects.get(code=code)
    covered = report_coverage(unit, period(phong_tho, "2024Q1"))
    assert [g.number for g in covered.task_groups] == asked
    assert [g.number for g in covered.asked] == asked


def test_a_group_that_does_not_apply_is_not_asked_and_its_text_is_refused(phong_tho):
    front, q1 = Unit.objects.get(code="109-MTTQ"), period(phong_tho, "2024Q1")
    content = complete_content(front, q1)
    assert sorted(g.number for g in content.narratives) == [3, 4]
    officer = officer_of(front)

    submission_save(user=officer, unit=front, period=q1, version=None, content=content, submit=True)
    assert Submission.objects.get(unit=front, period=q1).status == Submission.Status.SUBMITTED

    group_1 = TaskGroup.objects.get(programme=phong_tho, number=1)
    other = Unit.objects.get(code="109-HLHPN")
    with pytest.raises(SubmissionError, match="không có nhóm nhiệm vụ 1"):
        submission_save(
            user=officer_of(other),
            unit=other,
            period=q1,
            version=None,
            content=replace(complete_content(other, q1), narratives={group_1: "Đã làm."}),
            submit=False,
        )
    assert not Submission.objects.filter(unit=other, period=q1).exists()


def test_a_text_written_before_its_group_was_narrowed_stays_shown_and_is_not_required(phong_tho):
    """A programme's groups may be narrowed to fewer kinds after units wrote them: the text written is kept on the
    report, editable, and the report can be submitted without it."""
    front, q1 = Unit.objects.get(code="109-MTTQ"), period(phong_tho, "2024Q1")
    group_1 = TaskGroup.objects.get(programme=phong_tho, number=1)
    group_1.applies_to.add(front.kind)
    officer = officer_of(front)
    draft = replace(complete_content(front, q1), narratives={group_1: "Đã quán triệt."})
    saved = submission_save(user=officer, unit=front, period=q1, version=None, content=draft, submit=False)
    group_1.applies_to.remove(front.kind)

    covered = report_coverage(front, q1, written=[group_1.id])
    assert [g.number for g in covered.task_groups] == [1, 3, 4]
    assert [g.number for g in covered.asked] == [3, 4]
    sheet = report_sheet(front, q1)
    assert [g.number for g in sheet.task_groups] == [1, 3, 4]
    assert sheet.narratives[group_1.id] == "Đã quán triệt."
    form = ReportForm(
        {
            **{k: v for k, v in ReportForm.initial_from(sheet).items() if v is not None},
            "group_1": "",
            "action": "submit",
        }
        | {f"group_{n}": "Đã làm." for n in (3, 4)}
        | {"shortcomings": "Còn chậm.", "next_steps": "Tiếp tục.", "proposals": "Không có."},
        sheet=sheet,
    )
    assert "group_1" not in form.errors  # shown, not asked

    content = complete_content(front, q1)
    emptied = replace(content, narratives={**content.narratives, group_1: ""})
    submitted = submission_save(
        user=officer, unit=front, period=q1, version=saved.version, content=emptied, submit=True
    )
    assert submitted.status == Submission.Status.SUBMITTED
    assert not report_coverage(front, q1, written=[]).kept
