// The body's report page: the units' texts beside each task group, filtered by kind and by words, a passage
// inserted into the body's own text with the unit's name, and figures inserted as references where the writer
// is typing. The copy kept in the browser (report-form.js) follows every insertion.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;
  var last = form.querySelector("textarea");

  form.addEventListener("focusin", function (event) {
    if (event.target.tagName === "TEXTAREA") last = event.target;
  });

  function insert(area, text, ownParagraph) {
    if (!area) return;
    var start = area.selectionStart, end = area.selectionEnd;
    if (typeof start !== "number" || document.activeElement !== area && ownParagraph) start = end = area.value.length;
    var before = area.value.slice(0, start), after = area.value.slice(end);
    if (ownParagraph && before && !/\n$/.test(before)) text = "\n" + text;
    if (ownParagraph && after && !/^\n/.test(after)) text = text + "\n";
    area.value = before + text + after;
    var caret = before.length + text.length;
    area.focus();
    area.setSelectionRange(caret, caret);
    area.dispatchEvent(new Event("input", { bubbles: true }));  // kept in the browser, counted
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("[data-insert], [data-insert-passage]");
    if (!button) return;
    if (button.dataset.insert) insert(last, button.dataset.insert, false);
    else insert(document.getElementById(button.dataset.into), button.dataset.insertPassage, true);
  });

  function fold(text) {
    // Vietnamese read without marks, so that "xa phong tho" finds "Xã Phong Thổ".
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }

  form.querySelectorAll(".group-units").forEach(function (aside) {
    var kind = aside.querySelector("[data-filter-kind]"), words = aside.querySelector("[data-filter-text]");
    if (!kind || !words) return;
    function apply() {
      var wanted = fold(words.value.trim());
      aside.querySelectorAll(".passages > li").forEach(function (item) {
        var kindOk = !kind.value || item.dataset.kind === kind.value;
        var wordsOk = !wanted || fold(item.textContent).indexOf(wanted) !== -1;
        item.hidden = !(kindOk && wordsOk);
      });
    }
    kind.addEventListener("change", apply);
    words.addEventListener("input", function (event) { event.stopPropagation(); apply(); });
  });
})();
