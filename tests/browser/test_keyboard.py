"""The report form with a keyboard alone: every element the Tab key reaches is in full view when it is focused,
never under the sticky bar of Lưu nháp / Nộp báo cáo, on a laptop and on a phone."""

import pytest
from playwright.sync_api import expect

from programme.models import Period
from tests.browser.conftest import log_in

SCREENS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 360, "height": 740}, "is_mobile": True},
}

# Where the focused element is, and what a person sees at its centre and at its corners (inside their rounding):
# the element itself, or whatever covers it.
FOCUSED = """() => {
  const el = document.activeElement;
  const form = document.getElementById("report-form");
  if (!el || !form || !form.contains(el)) return null;
  const box = el.getBoundingClientRect();
  const points = [
    [box.left + box.width / 2, box.top + box.height / 2],
    [box.left + 4, box.top + 4], [box.right - 4, box.top + 4],
    [box.left + 4, box.bottom - 4], [box.right - 4, box.bottom - 4],
  ];
  const covered = points.map(([x, y]) => document.elementFromPoint(x, y))
    .filter((hit) => !hit || !el.contains(hit))
    .map((hit) => hit ? hit.tagName.toLowerCase() + (hit.className ? "." + hit.className : "") : "outside");
  return {
    name: el.id || el.textContent.trim(),
    inside: box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight && box.right <= innerWidth,
    covered: covered,
  };
}"""


@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_focused_element_of_the_form_is_in_full_view(chromium, live_server, officer, commune, phong_tho, screen):
    year = Period.objects.get(programme=phong_tho, code="2024")  # the annual report: every target and text
    context = chromium.new_context(base_url=live_server.url, locale="vi-VN", **SCREENS[screen])
    page = context.new_page()
    log_in(page, "canbo")
    page.goto(f"/bao-cao/{year.id}/{commune.code}/")
    expect(page.get_by_role("button", name="Nộp báo cáo")).to_be_visible()

    seen, hidden = [], []
    for _ in range(400):  # far more stops than the form has: the walk ends when focus leaves the form
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            if seen:
                break
            continue
        seen.append(focused["name"])
        if not focused["inside"] or focused["covered"]:
            hidden.append(focused)
    context.close()

    # Each target's "Cách tính" (how to count it) opens from the keyboard, before its figures.
    assert seen[:2] == ["Cách tính", "id_num_MT1"] and seen[-2:] == ["Lưu nháp", "Nộp báo cáo"], seen
    assert "id_proposals" in seen and "id_pnum_MT6__doan-thanh-nien" in seen, seen
    assert not hidden, "\n".join(f"{h['name']}: in view {h['inside']}, covered by {h['covered']}" for h in hidden)
