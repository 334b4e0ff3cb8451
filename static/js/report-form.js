// The report form: live percentages, the server's checks mirrored as the officer types, the submit
// confirmation, and a copy of everything typed kept in the browser until the server confirms a save.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;
  var key = window.keptCopies.key(form.dataset.owner, form.dataset.unit, form.dataset.period);
  var keeping = true;  // until the officer signs out
  var dirty = false;   // typed since the copy was last written
  var banner = document.getElementById("draft-restore");
  var ZONE = "Asia/Ho_Chi_Minh";  // the server's TIME_ZONE: the banner's time reads as the pages' times do

  function percentText(num, den, operator, threshold) {
    return window.dvPercent(num, den, operator, threshold);  // static/js/percent.js, the server's rule
  }

  function setError(input, message) {
    var holder = document.getElementById(input.id + "-err");
    if (holder) holder.textContent = message || "";
    input.closest(".field").classList.toggle("invalid", !!message);
    if (message) {
      input.setAttribute("aria-invalid", "true");
      if (holder) input.setAttribute("aria-describedby", holder.id);  // an organisation's box has it only then
    } else input.removeAttribute("aria-invalid");
  }

  // Checks one pair of boxes (a target's, or one category's of a target with categories) and returns its figures
  // (null where blank or wrong); with ``keepMessages`` the messages the server put on a refused page stay.
  function checkPair(numInput, denInput, requireAll, keepMessages) {
    var num = window.dvCounts.parse(numInput.value), den = window.dvCounts.parse(denInput.value);
    var numError = num.error || (requireAll && num.empty ? "Bắt buộc khi nộp báo cáo." : "");
    var denError = den.error || (requireAll && den.empty ? "Bắt buộc khi nộp báo cáo." : "");
    if (!numError && !denError && num.value !== undefined && den.value !== undefined && num.value > den.value) {
      numError = "Tử số (" + num.value + ") không được lớn hơn mẫu số (" + den.value + ").";
    }
    if (!keepMessages) {
      setError(numInput, numError);
      setError(denInput, denError);
    }
    return {
      ok: !numError && !denError,
      num: numError || num.value === undefined ? null : num.value,
      den: denError || den.value === undefined ? null : den.value
    };
  }

  // A target's figures as typed: its two boxes, or the sums of its categories' (static/js/breakdowns.js, the
  // server's rule), each checked; ``ok`` is false when a box is wrong.
  function targetFigures(fieldset, requireAll, keepMessages) {
    var parts = fieldset.querySelectorAll("tr.part");
    if (!parts.length) {
      var numInput = fieldset.querySelector('[data-role="num"]');
      if (!numInput) return null;
      return checkPair(numInput, fieldset.querySelector('[data-role="den"]'), requireAll, keepMessages);
    }
    var ok = true, pairs = [];
    parts.forEach(function (row) {
      var pair = checkPair(row.querySelector('[data-role="num"]'), row.querySelector('[data-role="den"]'), requireAll, keepMessages);
      ok = ok && pair.ok;
      pairs.push([pair.num, pair.den]);
    });
    var total = window.dvBreakdownTotal(pairs);
    fieldset.querySelector('[data-role="sum-num"]').textContent = total[0] === null ? "—" : thousands(total[0]);
    fieldset.querySelector('[data-role="sum-den"]').textContent = total[1] === null ? "—" : thousands(total[1]);
    return { ok: ok, num: total[0], den: total[1] };
  }

  // Checks a target's boxes and shows its percentage.
  function checkTarget(fieldset, requireAll, keepMessages) {
    var figures = targetFigures(fieldset, requireAll, keepMessages);
    if (!figures) return true;
    var out = fieldset.querySelector('[data-role="pct"]');
    var known = figures.ok && figures.num !== null && figures.den !== null;
    out.textContent = known && figures.den > 0
      ? percentText(figures.num, figures.den, fieldset.dataset.operator, fieldset.dataset.threshold)
      : (known ? "không áp dụng (mẫu số 0)" : "—");
    return figures.ok;
  }

  // The rules across targets (static/js/rules.js, the server's verdict) on the figures in the boxes; on
  // submission an error, or a warning without its explanation, stops it.
  var rulesData = document.getElementById("rules-data");
  var rules = rulesData ? JSON.parse(rulesData.textContent) : [];

  function typedFigures() {
    var figures = {};
    form.querySelectorAll("fieldset.target").forEach(function (fs) {
      var typed = targetFigures(fs, false, true);
      if (typed) figures[fs.dataset.code] = [typed.num, typed.den];
    });
    return figures;
  }

  function checkRules(submitting) {
    var figures = typedFigures(), ok = true, anyBroken = false;
    rules.forEach(function (rule) {
      var box = form.querySelector('[data-rule="' + rule.code + '"]');
      var broken = window.dvRuleHolds(rule, figures) === false;
      var area = box.querySelector("textarea");
      box.hidden = !broken;
      anyBroken = anyBroken || broken;
      if (broken) {
        box.querySelector("[data-rule-values]").textContent =
          window.dvRuleSide(rule.left, figures) + " và " + window.dvRuleSide(rule.right, figures);
      }
      var missing = broken && submitting && (!area || !area.value.trim());
      if (area && (submitting || !broken)) {
        area.parentNode.querySelector(".field-error").textContent = missing ? "Cần giải trình khi nộp báo cáo." : "";
        area.parentNode.classList.toggle("invalid", missing);
      }
      if (missing) ok = false;
    });
    var none = form.querySelector("[data-rules-ok]");
    if (none) none.hidden = anyBroken;
    return ok;
  }

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.name !== "version" && el.type !== "submit";
    });
  }

  function snapshot() {
    var values = {};
    fields().forEach(function (el) { values[el.name] = el.value; });
    return values;
  }

  function version() {
    return form.elements.version.value;
  }

  function store() {
    dirty = false;
    if (!keeping) return;
    try {
      // The version the values were typed against: a copy of an older one must never overwrite newer figures.
      localStorage.setItem(key, JSON.stringify({ at: new Date().toISOString(), version: version(), values: snapshot() }));
    } catch (e) { /* storage full or disabled: the form still works */ }
  }

  function stored() {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function forget() {
    window.keptCopies.forget(key);
  }

  function thousands(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  function textLength(text) {
    // As the server counts: what the form sends (a line break as two characters), trimmed, in characters.
    return Array.from(text.replace(/\r\n|\r|\n/g, "\r\n").trim()).length;
  }

  function count(el) {
    // The limit is the server's (data-max); over it the text is refused, never cut, and the counter says so.
    var counter = document.getElementById(el.id + "-count");
    if (!counter) {
      counter = document.createElement("span");
      counter.id = el.id + "-count";
      counter.className = "counter";
      counter.setAttribute("aria-live", "polite");
      el.insertAdjacentElement("afterend", counter);
      el.setAttribute("aria-describedby", ((el.getAttribute("aria-describedby") || "") + " " + counter.id).trim());
    }
    var max = parseInt(el.dataset.max, 10), length = textLength(el.value);
    var over = length > max;
    counter.textContent = over
      ? "Dài " + thousands(length) + " / " + thousands(max) + " ký tự: quá giới hạn, không lưu được. " +
        "Nội dung không bị cắt bớt: hãy rút gọn."
      : thousands(length) + " / " + thousands(max) + " ký tự";
    if (over !== counter.classList.contains("over")) {  // leave alone what the server marked
      counter.classList.toggle("over", over);
      el.closest(".field").classList.toggle("invalid", over);
      if (over) el.setAttribute("aria-invalid", "true"); else el.removeAttribute("aria-invalid");
    }
    return !over;
  }

  function countAll() {
    var ok = true;
    form.querySelectorAll("[data-max]").forEach(function (el) { ok = count(el) && ok; });
    return ok;
  }

  function recheckAll() {
    form.querySelectorAll("fieldset.target").forEach(function (fs) { checkTarget(fs, false); });
    checkRules(false);
  }

  function offer(kept) {
    // A copy typed against the version shown is restored in place; one typed against an older version is
    // sent back with that version, so that the server answers with its conflict page: the saved figures and
    // texts beside the copy's, and nothing saved until the officer saves again.
    var stale = kept.version !== version();
    var when = new Date(kept.at);
    banner.querySelectorAll("[data-draft-time]").forEach(function (el) {
      el.textContent = "lúc " + when.toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit", timeZone: ZONE }) +
        " ngày " + when.toLocaleDateString("vi-VN", { timeZone: ZONE });
    });
    banner.querySelector("[data-draft-current]").hidden = stale;
    banner.querySelector("[data-draft-stale]").hidden = !stale;
    banner.hidden = false;
    banner.querySelector("[data-draft-restore]").addEventListener("click", function () {
      fields().forEach(function (el) { if (el.name in kept.values) el.value = kept.values[el.name]; });
      banner.hidden = true;
      recheckAll();
      countAll();
      if (stale) {
        form.elements.version.value = kept.version === undefined ? "" : kept.version;
        form.requestSubmit(form.querySelector('button[value="save"]'));
      } else {
        store();
      }
    });
    banner.querySelector("[data-draft-discard]").addEventListener("click", function () {
      banner.hidden = true;
      forget();
    });
  }

  countAll();
  // The page may show typed figures the server refused or did not save (a 400 or 409 page), beside the
  // percentage of what is saved: show the percentage of what is in the boxes.
  form.querySelectorAll("fieldset.target").forEach(function (fs) { checkTarget(fs, false, true); });
  if (form.dataset.saved) {
    forget();  // the server has just confirmed a save: what the browser kept is now on the server
  } else if (form.dataset.unsaved) {
    store();  // the page shows typed values the server refused or did not save yet: keep them
  } else {
    var kept = stored();
    var current = snapshot();
    if (kept && kept.values) {
      var differs = Object.keys(kept.values).some(function (n) { return n in current && kept.values[n] !== current[n]; });
      if (differs) offer(kept); else forget();  // a copy equal to what is saved holds nothing new
    }
  }

  checkRules(false);
  var timer = null;
  form.addEventListener("input", function (event) {
    var fs = event.target.closest("fieldset.target");
    if (fs) {
      checkTarget(fs, false);
      checkRules(false);
    }
    if (event.target.dataset.max) count(event.target);
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(store, 300);
  });

  // A tab closed or left right after typing keeps its copy: the debounce above may not have run yet.
  window.addEventListener("pagehide", function () { if (dirty) store(); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && dirty) store();
  });
  document.addEventListener("kept-copies:sign-out", function () {
    keeping = false;
    clearTimeout(timer);
  });

  form.addEventListener("submit", function (event) {
    clearTimeout(timer);
    store();
    var submitter = event.submitter;
    var submitting = submitter && submitter.value === "submit";
    var ok = true;
    form.querySelectorAll("fieldset.target").forEach(function (fs) { ok = checkTarget(fs, submitting) && ok; });
    if (submitting && !checkRules(true)) ok = false;
    if (submitting) {
      form.querySelectorAll(".card:not(.rule-checks) textarea").forEach(function (area) {
        var holder = area.parentNode.querySelector(".field-error");
        var missing = !area.value.trim();
        holder.textContent = missing ? "Bắt buộc khi nộp báo cáo." : "";
        area.parentNode.classList.toggle("invalid", missing);
        if (missing) ok = false;
      });
    }
    ok = countAll() && ok;
    if (!ok) {
      event.preventDefault();
      var first = form.querySelector(".invalid input, .invalid textarea, .rule-check.error:not([hidden])");
      if (first) first.focus();
      return;
    }
    if (submitter && submitter.dataset.confirm && !window.confirm(submitter.dataset.confirm)) event.preventDefault();
  });
})();
