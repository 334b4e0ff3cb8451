"""The review page's limits of a plausible step from the previous period are the programme's data, by default
today's 10 points, 30 points and 50%: existing programmes flag exactly what they flagged before."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from programme.formatting import vn_decimal
from programme.models import Programme
from reporting.plausibility import DEFAULT, Limits, implausible_change
from reporting.selectors.review import plausibility_limits
from tests.factories import ProgrammeFactory, total_figures
from tests.test_review import imported, period


def flags(now, before, *, cumulative=False, limits=DEFAULT):
    return implausible_change(
        cumulative=cumulative,
        numerator=now[0],
        denominator=now[1],
        previous_numerator=before[0],
        previous_denominator=before[1],
        limits=limits,
    )


def test_a_programme_gets_todays_limits_unless_it_says_otherwise(phong_tho, db):
    assert plausibility_limits(phong_tho) == Limits() == Limits(Fraction(10), Fraction(30), Fraction(1, 2))
    assert plausibility_limits(ProgrammeFactory()) == DEFAULT


@pytest.mark.parametrize(
    ("limits", "now", "before", "cumulative", "reasons"),
    [
        (Limits(cumulative_fall=Fraction(20)), (75, 100), (90, 100), True, []),  # 15 points: within 20
        (Limits(cumulative_fall=Fraction(20)), (69, 100), (90, 100), True, ["Giảm 21,0 điểm % so với kỳ trước"]),
        (Limits(cumulative_fall=Fraction(15)), (75, 100), (90, 100), True, []),  # exactly the limit: strict
        (Limits(jump=Fraction(5)), (96, 100), (90, 100), False, ["Tăng 6,0 điểm % so với kỳ trước"]),
        (Limits(jump=Fraction(5)), (95, 100), (90, 100), False, []),
        (
            Limits(denominator_change=Fraction(1, 10)),
            (50, 111),
            (50, 100),
            False,
            ["Mẫu số tăng 11,0% (100 → 111) so với kỳ trước"],
        ),
        (Limits(denominator_change=Fraction(1, 10)), (50, 110), (50, 100), False, []),
    ],
)
def test_the_limits_decide_what_is_flagged(limits, now, before, cumulative, reasons):
    assert flags(now, before, cumulative=cumulative, limits=limits) == reasons


def test_limits_kept_with_decimals_are_read_exactly():
    limits = Limits.of(
        cumulative_fall=Decimal("12.5"), jump=Decimal("0.01"), denominator_change_percent=Decimal("33.33")
    )
    assert limits == Limits(Fraction(25, 2), Fraction(1, 100), Fraction(3333, 10000))


def test_the_review_page_flags_by_the_programmes_limits(client, reviewer, commune, phong_tho, targets):
    q1, s1 = period(phong_tho, "2024Q1"), period(phong_tho, "2024S1")
    imported(commune, q1, {targets["MT6"]: total_figures(targets["MT6"], 80, 100)})
    imported(commune, s1, {targets["MT6"]: total_figures(targets["MT6"], 90, 100)})  # 10 points up: within 30
    client.force_login(reviewer)
    url = reverse("review", args=[s1.id, commune.code])
    page = client.get(url).text
    assert "Tăng 10,0 điểm %" not in page and "giảm hơn 10 điểm, tỷ lệ tăng hoặc giảm hơn 30 điểm" in page
    Programme.objects.filter(pk=phong_tho.pk).update(plausible_jump=Decimal("9.5"))
    page = client.get(url).text
    assert "Tăng 10,0 điểm % so với kỳ trước" in page and "hơn 9,5 điểm" in page


def test_a_limit_is_written_with_the_decimals_it_has():
    assert [vn_decimal(Decimal(v)) for v in ("10.00", "9.50", "0.01", "1250")] == ["10", "9,5", "0,01", "1.250"]


def test_the_admin_refuses_a_limit_that_is_not_a_percentage(phong_tho):
    phong_tho.plausible_jump = Decimal("101")
    phong_tho.plausible_denominator_change = Decimal("-1")
    with pytest.raises(ValidationError) as refused:
        phong_tho.full_clean()
    assert {"plausible_jump", "plausible_denominator_change"} <= set(refused.value.message_dict)
