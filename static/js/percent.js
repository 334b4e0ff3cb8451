// The percentage shown for num/den against a target's operator and threshold, as the server shows it
// (programme/compliance.py, display_percent): two decimals, rounded half up, never 100,00% short of everyone,
// never on the wrong side of the threshold. Whole hundredths in exact integer arithmetic: num and den are at
// most 2 147 483 647, so 10 000 × num stays below 2^53. tests/vectors/percent.json holds both to the same cases.
(function () {
  "use strict";

  function hundredthsOf(threshold) {
    // "99.99", "100.00" or 90 → 9999, 10000, 9000, without a float's rounding.
    var parts = String(threshold).split(".");
    return parseInt(parts[0], 10) * 100 + parseInt(((parts[1] || "") + "00").slice(0, 2), 10);
  }

  window.dvPercent = function (num, den, operator, threshold) {
    if (!(den > 0)) return "—";
    var scaled = 10000 * num;
    var rest = scaled % den;
    var hundredths = (scaled - rest) / den;
    var bar = hundredthsOf(threshold);
    var met = operator === ">=" ? scaled >= bar * den : scaled > bar * den;
    var shown = hundredths + (2 * rest >= den ? 1 : 0);
    if (shown === 10000 && num < den) shown = 9999;  // short of everyone never reads 100%
    if ((operator === ">=" ? shown >= bar : shown > bar) !== met) {
      shown = met ? hundredths + (rest > 0 ? 1 : 0) : hundredths;
    }
    var cents = shown % 100;
    return (shown - cents) / 100 + "," + (cents < 10 ? "0" : "") + cents + "%";
  };
})();
