// Typeahead pickers: every <select data-picker-url> (core.widgets.PickerSelect and
// PickerSelectMultiple) becomes a Tom Select that asks the endpoint as the user types. The page
// renders only the chosen options; the texts come from the element's data-* attributes, which the
// server translated.
(function () {
  "use strict";
  if (typeof window.TomSelect === "undefined") return;

  function texts(select) {
    var d = select.dataset;
    return {
      none: d.pickerNone || "无结果",
      more: d.pickerMore || "继续输入以缩小范围…",
      loading: d.pickerLoading || "正在搜索…",
      placeholder: d.placeholder || "输入以搜索…",
      clear: d.pickerClear || "清除",
      remove: d.pickerRemove || "移除",
    };
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function init(select) {
    if (select.tomselect) return;
    var t = texts(select);
    var url = select.dataset.pickerUrl;
    var multiple = select.multiple;
    var settings = {
      valueField: "value",
      labelField: "text",
      searchField: [],
      maxOptions: null,
      placeholder: t.placeholder,
      preload: "focus",
      loadThrottle: 250,
      allowEmptyOption: false,
      // The buttons' titles too: Tom Select's own are English ("Clear All", "Remove").
      plugins: multiple ? { remove_button: { title: t.remove } } : { clear_button: { title: t.clear } },
      shouldLoad: function () { return true; },
      // The server searched already: show what it answered, in its order.
      score: function () { return function () { return 1; }; },
      load: function (query, callback) {
        var self = this;
        // Only the answer to the latest text counts: the answer to the empty text asked on focus
        // may arrive after the one to what the user typed since.
        select.pickerQuery = query;
        var sep = url.indexOf("?") === -1 ? "?" : "&";
        fetch(url + sep + "q=" + encodeURIComponent(query), {
          credentials: "same-origin",
          headers: { "Accept": "application/json" },
        })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            if (select.pickerQuery !== query) { callback(); return; }
            select.dataset.pickerHasMore = data.more ? "1" : "";
            // Each text gets its own answer: drop the rows the previous text brought.
            self.clearOptions();
            callback(data.results);
            // An answer that comes after the user left the field leaves its list shut.
            if (!self.isFocused) self.close();
          })
          .catch(function () { callback(); });
      },
      render: {
        no_results: function () { return '<div class="no-results">' + escapeHtml(t.none) + "</div>"; },
        loading: function () { return '<div class="spinner-border spinner-border-sm m-2" role="status"></div>'; },
        option: function (item) { return "<div>" + escapeHtml(item.text) + "</div>"; },
        item: function (item) { return "<div>" + escapeHtml(item.text) + "</div>"; },
      },
      // More rows than one page match: say so under the list, so the user types on.
      onLoad: function () {
        var footer = this.dropdown.querySelector(".picker-more");
        if (!footer) {
          footer = document.createElement("div");
          footer.className = "picker-more small text-muted px-2 py-1";
          footer.textContent = t.more;
          this.dropdown.appendChild(footer);
        }
        footer.classList.toggle("d-none", select.dataset.pickerHasMore !== "1");
      },
    };
    new window.TomSelect(select, settings);
  }

  function initAll(root) {
    (root || document).querySelectorAll("select[data-picker-url]").forEach(init);
  }

  document.addEventListener("DOMContentLoaded", function () { initAll(document); });
  document.addEventListener("htmx:load", function (event) { initAll(event.target); });
})();
