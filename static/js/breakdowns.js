// A target typed category by category: its figures are the sums of its categories' as the server has them
// (reporting/breakdowns.py, breakdown_total): a figure is known only when every category gives it, and blank
// otherwise. tests/vectors/breakdowns.json holds both sides to the same cases.
(function (root) {
  "use strict";

  function sum(values) {
    var total = 0;
    for (var i = 0; i < values.length; i++) {
      if (values[i] === null || values[i] === undefined) return null;
      total += values[i];
    }
    return total;
  }

  // pairs: [[numerator, denominator], …], null for a blank box; returns [numerator, denominator].
  root.dvBreakdownTotal = function (pairs) {
    return [sum(pairs.map(function (p) { return p[0]; })), sum(pairs.map(function (p) { return p[1]; }))];
  };
})(window);
