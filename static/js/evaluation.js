// Evaluation pages. No inline scripts: the CSP allows only 'self'.
(function () {
  "use strict";
  // The print view's button.
  document.querySelectorAll(".js-print").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  // A submit button that finalizes asks first: <button data-confirm="..."> (the form's other
  // buttons do not).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
  });
  // The scoring page: the evaluator's running total, and "use the suggested score".
  var form = document.querySelector("form.js-scorecard");
  if (!form) return;
  var inputs = form.querySelectorAll("input.js-score");
  var out = document.querySelector(".js-score-total");
  function total() {
    var sum = 0;
    inputs.forEach(function (input) { var v = parseFloat(input.value); if (!isNaN(v)) sum += v; });
    if (out) out.textContent = (Math.round(sum * 10) / 10).toString();
  }
  inputs.forEach(function (input) { input.addEventListener("input", total); });
  form.querySelectorAll(".js-use-suggested").forEach(function (button) {
    button.addEventListener("click", function () {
      var input = document.getElementById(button.getAttribute("data-target"));
      if (input) { input.value = button.getAttribute("data-value"); total(); }
    });
  });
  total();
})();
