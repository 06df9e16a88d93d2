// The branch form: the industrial-chain field only matters for a chain joint organization.
(function () {
  "use strict";
  var kind = document.querySelector("select[data-branch-kind]");
  var chain = document.getElementById("id_chain");
  if (!kind || !chain) return;
  var wrapper = chain.closest(".mb-3") || chain.parentElement;
  function sync() {
    var isChain = kind.value === "industrial_chain";
    wrapper.classList.toggle("d-none", !isChain);
    if (!isChain) chain.value = "";
  }
  kind.addEventListener("change", sync);
  sync();
})();
