// The copies of report forms kept in this browser (localStorage) until the server confirms a save: where they
// are kept, and their removal when a page says the server confirmed one and when the officer signs out, so
// that a shared computer keeps no report text after sign-out.
(function () {
  "use strict";
  var PREFIX = "dv-report:";

  function key(owner, unit, period) {
    // The owner is part of the key: two officers signing in on one browser never see each other's copy.
    return PREFIX + owner + ":" + unit + ":" + period;
  }

  function forget(name) {
    try { localStorage.removeItem(name); } catch (e) { /* storage disabled: nothing was kept */ }
  }

  function forgetAll(owner) {
    try {
      var mine = PREFIX + owner + ":";
      Object.keys(localStorage).forEach(function (name) { if (name.indexOf(mine) === 0) forget(name); });
    } catch (e) { /* storage disabled: nothing was kept */ }
  }

  window.keptCopies = { key: key, forget: forget, forgetAll: forgetAll };

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-forget-kept-copy]").forEach(function (el) {
      forget(key(el.dataset.owner, el.dataset.unit, el.dataset.period));
    });
    document.querySelectorAll("form[data-sign-out]").forEach(function (form) {
      form.addEventListener("submit", function () {
        // Tell an open report form to stop keeping copies before the page goes, then remove what is kept.
        document.dispatchEvent(new CustomEvent("kept-copies:sign-out"));
        forgetAll(form.dataset.owner);
      });
    });
  });
})();
