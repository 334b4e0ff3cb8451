// The report form: live percentages, the server's checks mirrored as the officer types, the submit
// confirmation, and a copy of everything typed kept in the browser until the server confirms a save.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;
  var key = form.dataset.storageKey;
  var banner = document.getElementById("draft-restore");

  function percentText(num, den, operator, threshold) {
    return window.dvPercent(num, den, operator, threshold);  // static/js/percent.js, the server's rule
  }

  function setError(input, message) {
    var holder = document.getElementById(input.id + "-err");
    if (holder) holder.textContent = message || "";
    input.closest(".field").classList.toggle("invalid", !!message);
    if (message) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
  }

  function checkTarget(fieldset, requireAll) {
    var numInput = fieldset.querySelector('[data-role="num"]');
    var denInput = fieldset.querySelector('[data-role="den"]');
    if (!numInput) return true;
    var num = window.dvCounts.parse(numInput.value), den = window.dvCounts.parse(denInput.value);
    var numError = num.error || (requireAll && num.empty ? "Bắt buộc khi nộp báo cáo." : "");
    var denError = den.error || (requireAll && den.empty ? "Bắt buộc khi nộp báo cáo." : "");
    if (!numError && !denError && num.value !== undefined && den.value !== undefined && num.value > den.value) {
      numError = "Tử số (" + num.value + ") không được lớn hơn mẫu số (" + den.value + ").";
    }
    setError(numInput, numError);
    setError(denInput, denError);
    var out = fieldset.querySelector('[data-role="pct"]');
    var ok = !numError && !denError && num.value !== undefined && den.value !== undefined;
    out.textContent = ok && den.value > 0
      ? percentText(num.value, den.value, fieldset.dataset.operator, parseFloat(fieldset.dataset.threshold))
      : (ok ? "không áp dụng (mẫu số 0)" : "—");
    return !numError && !denError;
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

  function store() {
    try {
      localStorage.setItem(key, JSON.stringify({ at: new Date().toISOString(), values: snapshot() }));
    } catch (e) { /* storage full or disabled: the form still works */ }
  }

  function stored() {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function forget() {
    try { localStorage.removeItem(key); } catch (e) { /* nothing to forget */ }
  }

  function recheckAll() {
    form.querySelectorAll("fieldset.target").forEach(function (fs) { checkTarget(fs, false); });
  }

  if (form.dataset.saved) {
    forget();  // the server has just confirmed a save: what the browser kept is now on the server
  } else {
    var kept = stored();
    var current = snapshot();
    if (kept && kept.values && Object.keys(kept.values).some(function (n) {
      return n in current && kept.values[n] !== current[n];
    })) {
      var when = new Date(kept.at);
      banner.querySelector("[data-draft-time]").textContent =
        "lúc " + when.toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit" }) +
        " ngày " + when.toLocaleDateString("vi-VN");
      banner.hidden = false;
      banner.querySelector("[data-draft-restore]").addEventListener("click", function () {
        fields().forEach(function (el) { if (el.name in kept.values) el.value = kept.values[el.name]; });
        banner.hidden = true;
        recheckAll();
        store();
      });
      banner.querySelector("[data-draft-discard]").addEventListener("click", function () {
        banner.hidden = true;
        forget();
      });
    }
  }

  var timer = null;
  form.addEventListener("input", function (event) {
    var fs = event.target.closest("fieldset.target");
    if (fs) checkTarget(fs, false);
    clearTimeout(timer);
    timer = setTimeout(store, 300);
  });

  form.addEventListener("submit", function (event) {
    store();
    var submitter = event.submitter;
    var submitting = submitter && submitter.value === "submit";
    var ok = true;
    form.querySelectorAll("fieldset.target").forEach(function (fs) { ok = checkTarget(fs, submitting) && ok; });
    if (submitting) {
      form.querySelectorAll("textarea").forEach(function (area) {
        var holder = area.parentNode.querySelector(".field-error");
        var missing = !area.value.trim();
        holder.textContent = missing ? "Bắt buộc khi nộp báo cáo." : "";
        area.parentNode.classList.toggle("invalid", missing);
        if (missing) ok = false;
      });
    }
    if (!ok) {
      event.preventDefault();
      var first = form.querySelector(".invalid input, .invalid textarea");
      if (first) first.focus();
      return;
    }
    if (submitting && !window.confirm(submitter.dataset.confirm)) event.preventDefault();
  });
})();
