// The weekly report form: mark indicator boxes whose value moved, count ticked plan items.
// No inline scripts: the CSP allows only 'self'.
(function () {
  "use strict";
  var form = document.querySelector(".weekly-form");
  if (!form) return;

  function markChanged(input) {
    var current = parseFloat(input.getAttribute("data-current"));
    var value = parseFloat(input.value);
    var changed = input.value.trim() !== "" && !isNaN(value) && value !== current;
    input.classList.toggle("is-changed", changed);
  }

  var counter = form.querySelector(".checklist-count");
  function countTicks() {
    if (!counter) return;
    var boxes = form.querySelectorAll(".checklist-tick");
    var done = form.querySelectorAll(".checklist-tick:checked").length;
    counter.textContent = done + " / " + boxes.length;
  }

  form.querySelectorAll(".indicator-value").forEach(markChanged);
  countTicks();
  form.addEventListener("input", function (event) {
    if (event.target.classList.contains("indicator-value")) markChanged(event.target);
  });
  form.addEventListener("change", function (event) {
    if (event.target.classList.contains("checklist-tick")) countTicks();
  });
})();
