// Small behaviours shared by every page. No inline scripts: the CSP allows only 'self'.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.classList && el.classList.contains("js-autosubmit") && el.form) {
      el.form.submit();
    }
  });
  // A form marked data-submit-once disables its buttons after the first submit: a double
  // click files one record (the server enforces it too).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-submit-once")) return;
    if (form.dataset.submitted === "1") { event.preventDefault(); return; }
    form.dataset.submitted = "1";
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) {
      setTimeout(function () { b.disabled = true; }, 0);
    });
  });
  // "Go back" on the error pages: the browser's own back keeps what the user typed into the
  // form they came from; the link's href (the referring page, or home) is for a fresh tab.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-history-back]");
    if (!link || window.history.length < 2) return;
    event.preventDefault();
    window.history.back();
  });
  // A text area with a limit (core.forms: data-maxlength) counts as the user types; past the
  // limit the count turns red. The server refuses the text then, and keeps it in the box.
  function counter(area) {
    var limit = parseInt(area.getAttribute("data-maxlength"), 10);
    var out = document.createElement("div");
    out.className = "form-text text-end char-counter";
    out.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", out);
    function update() {
      var n = area.value.length;
      out.textContent = n + " / " + limit;
      out.classList.toggle("text-danger", n > limit);
    }
    area.addEventListener("input", update);
    update();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-maxlength]").forEach(counter);
  });
  // Destructive actions ask first: <form data-confirm="...">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); event.stopImmediatePropagation(); }
  }, true);
})();
