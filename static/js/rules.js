// The programme's validation rules judged as the server judges them (programme/validation.py): each side is the
// sum of a constant and of figures (a target's numerator or denominator), compared by one of six operators; a
// rule with a blank figure is not judged (null). All in BigInt, so exact whatever the figures.
// tests/vectors/rules.json holds this and the server to the same cases.
(function (root) {
  "use strict";

  var COMPARE = {
    "<": function (a, b) { return a < b; },
    "<=": function (a, b) { return a <= b; },
    "=": function (a, b) { return a === b; },
    ">=": function (a, b) { return a >= b; },
    ">": function (a, b) { return a > b; },
    "!=": function (a, b) { return a !== b; }
  };

  function whole(n) {
    return typeof n === "bigint" ? n : BigInt(n);  // a fraction or NaN throws: never a rounded comparison
  }

  // figures: {code: [numerator, denominator]}, each a whole number (number, text or BigInt) or null when blank.
  function sideValue(side, figures) {
    var total = whole(side.constant);
    for (var i = 0; i < side.terms.length; i++) {
      var pair = figures[side.terms[i][0]];
      var figure = pair ? pair[side.terms[i][1] === "numerator" ? 0 : 1] : null;
      if (figure === null || figure === undefined) return null;
      total += whole(figure);
    }
    return total;
  }

  // true when the figures keep the rule, false when they break it, null when one of its figures is blank.
  function holds(rule, figures) {
    var left = sideValue(rule.left, figures), right = sideValue(rule.right, figures);
    if (left === null || right === null) return null;
    return COMPARE[rule.operator](left, right);
  }

  root.dvRuleSide = sideValue;
  root.dvRuleHolds = holds;
})(window);
