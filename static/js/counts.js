// Whole numbers as Vietnamese offices write them: the browser's port of reporting/counts.py, with the same
// verdicts and messages ("1.500" is fifteen hundred; "1,000" is refused; only the digits 0-9 are read).
// tests/vectors/counts.json holds the cases both must pass.
(function () {
  "use strict";
  var MAX_COUNT = 2147483647;
  var MESSAGES = {
    notANumber: "Phải là số nguyên, ví dụ 1500 hoặc 1.500.",
    badGroups: "Dấu chấm chỉ dùng để tách hàng nghìn, mỗi nhóm ba chữ số (ví dụ 1.500); số nguyên không có phần thập phân.",
    comma: "Dấu phẩy là dấu thập phân; số nguyên viết không có dấu phẩy, ví dụ 1000 hoặc 1.000.",
    otherDigits: "Chỉ dùng chữ số 0–9.",
    negative: "Không được là số âm.",
    tooLarge: "Số quá lớn."
  };
  var SPACES = " \\t\\n\\v\\f\\r\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";
  var EDGES = new RegExp("^[" + SPACES + "]+|[" + SPACES + "]+$", "g");
  var PLAIN = /^[0-9]+$/;
  var GROUPED = /^[1-9][0-9]{0,2}(\.[0-9]{3})+$/;
  var NUMERIC = /^[0-9.,]*[0-9][0-9.,]*$/;  // digits with marks, but not a count
  var OTHER_DIGIT = /[^\P{Nd}0-9]/u;  // a decimal digit of another script: fullwidth, Arabic-Indic…

  // {empty: true} | {value: n} | {error: "…"} for what is typed in a box.
  function parse(text) {
    var t = String(text).replace(EDGES, "");
    if (t === "") return { empty: true };
    if (OTHER_DIGIT.test(t)) return { error: MESSAGES.otherDigits };
    var negative = t[0] === "-" || t[0] === "\u2212";
    var body = negative ? t.slice(1) : t;
    if (GROUPED.test(body)) {
      body = body.replace(/\./g, "");
    } else if (!PLAIN.test(body)) {
      if (!NUMERIC.test(body)) return { error: MESSAGES.notANumber };
      return { error: body.indexOf(",") >= 0 ? MESSAGES.comma : MESSAGES.badGroups };
    }
    if (negative) return { error: MESSAGES.negative };  // "-0" too: a count carries no sign
    var digits = body.replace(/^0+/, "") || "0";
    if (digits.length > String(MAX_COUNT).length) return { error: MESSAGES.tooLarge };
    var n = parseInt(digits, 10);
    if (n > MAX_COUNT) return { error: MESSAGES.tooLarge };
    return { value: n };
  }

  window.dvCounts = { parse: parse, MAX_COUNT: MAX_COUNT, MESSAGES: MESSAGES };
})();
