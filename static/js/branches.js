// Small behaviours of the branches pages. No inline scripts: the CSP allows only 'self'.
(function () {
  "use strict";

  // The branch form: the industrial-chain field only matters for a chain joint organization.
  var kind = document.querySelector("select[data-branch-kind]");
  var chain = document.getElementById("id_chain");
  if (kind && chain) {
    var wrapper = chain.closest(".mb-3") || chain.parentElement;
    var sync = function () {
      var isChain = kind.value === "industrial_chain";
      wrapper.classList.toggle("d-none", !isChain);
      if (!isChain) chain.value = "";
    };
    kind.addEventListener("change", sync);
    sync();
  }

  // "Select all" for a list of checkboxes (the participants of an activity).
  document.querySelectorAll("[data-select-all]").forEach(function (button) {
    button.addEventListener("click", function () {
      var name = button.getAttribute("data-select-all");
      var boxes = button.form.querySelectorAll('input[type=checkbox][name="' + name + '"]');
      var allChecked = Array.prototype.every.call(boxes, function (b) { return b.checked; });
      boxes.forEach(function (b) { b.checked = !allChecked; });
    });
  });
})();
