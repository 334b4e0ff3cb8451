// "Meets" and the percentage shown for num/den against a target's operator and threshold, as the server has them
// (programme/compliance.py: meets, display_percent): met when 100·num compares with threshold·den by the
// operator, exactly; shown to two decimals, rounded half up, never 100,00% short of everyone, never on the wrong
// side of the threshold. All in BigInt, so exact whatever the figures (10 000 × num passes 2^53 from a
// numerator of a trillion), and the threshold is read from its decimal text, never as a float.
// tests/vectors/percent.json holds both functions to the same cases as the server.
(function (root) {
  "use strict";

  function whole(n) {
    return typeof n === "bigint" ? n : BigInt(n);  // a fraction or NaN throws: never a rounded comparison
  }

  function decimal(threshold) {
    // "99.99" → 9999/100, "90" (or 90) → 90/1: the threshold as an exact fraction.
    var parts = String(threshold).split(".");
    var decimals = parts[1] || "";
    return { top: BigInt(parts[0] + decimals), scale: 10n ** BigInt(decimals.length) };
  }

  function compares(operator, left, right) {
    return operator === ">=" ? left >= right : left > right;
  }

  function meets(num, den, operator, threshold) {
    num = whole(num);
    den = whole(den);
    if (den <= 0n) return false;
    var bar = decimal(threshold);
    return compares(operator, 100n * num * bar.scale, bar.top * den);
  }

  function percent(num, den, operator, threshold) {
    if (!(den > 0)) return "—";
    num = whole(num);
    den = whole(den);
    var met = meets(num, den, operator, threshold);
    var bar = decimal(threshold);
    var scaled = 10000n * num;
    var hundredths = scaled / den, rest = scaled % den;
    var shown = hundredths + (2n * rest >= den ? 1n : 0n);
    if (shown === 10000n && num < den) shown = 9999n;  // short of everyone never reads 100%
    if (compares(operator, shown * bar.scale, 100n * bar.top) !== met) {
      shown = met ? hundredths + (rest > 0n ? 1n : 0n) : hundredths;
    }
    var cents = shown % 100n;
    return shown / 100n + "," + (cents < 10n ? "0" : "") + cents + "%";
  }

  root.dvMeets = meets;
  root.dvPercent = percent;
})(typeof window !== "undefined" ? window : globalThis);
