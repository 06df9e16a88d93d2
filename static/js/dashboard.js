// The leaders' dashboard: draws the charts from the page's JSON (json_script, no inline
// script: the CSP allows only 'self') with the vendored ECharts, opens the records behind a
// bar or a slice on click, and prints the briefing paper.
(function () {
  "use strict";
  // The period: a preset applies at once; "dates below" shows the two dates to fill in first.
  var period = document.querySelector("select[data-period]");
  if (period) {
    var dates = document.querySelectorAll(".dashboard-dates");
    var showDates = function () {
      dates.forEach(function (el) { el.classList.toggle("d-none", period.value !== "custom"); });
    };
    showDates();
    period.addEventListener("change", function () {
      showDates();
      if (period.value === "custom") {
        var first = document.querySelector(".dashboard-dates input");
        if (first) first.focus();
      } else if (period.form) {
        period.form.submit();
      }
    });
  }

  var holder = document.getElementById("dashboard-data");
  if (!holder || !window.echarts) return;
  var data = JSON.parse(holder.textContent);
  var LIGHT = { red: "#c62828", yellow: "#f9a825", green: "#2e7d32" };
  var PALETTE = ["#b71c1c", "#1565c0", "#2e7d32", "#f9a825", "#6a1b9a", "#00838f", "#ef6c00", "#546e7a"];
  var charts = [];

  function empty(list) {
    return !list || !list.some(function (item) { return (item.value || 0) > 0; });
  }

  function noData(el) {
    el.classList.add("d-flex", "align-items-center", "justify-content-center", "text-muted", "small");
    el.textContent = data.labels.empty;
  }

  function barOption(items, horizontal) {
    var names = items.map(function (i) { return i.name; });
    var values = items.map(function (i) { return { value: i.value, url: i.url }; });
    // Every name shown: slanted when there are many (a province has a dozen fields).
    var crowded = !horizontal && items.length > 6;
    var category = { type: "category", data: names, axisLabel: { interval: 0, rotate: crowded ? 35 : 0 } };
    var value = { type: "value", minInterval: 1 };
    return {
      color: PALETTE,
      animation: false,
      grid: { left: horizontal ? 8 : 30, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign({}, category, { inverse: true }) : value,
      series: [{ type: "bar", name: data.labels.branches, data: values, barMaxWidth: 34,
                 label: { show: true, position: horizontal ? "right" : "top" } }]
    };
  }

  var builders = {
    lights: function () {
      if (empty(data.lights)) return null;
      return {
        animation: false,
        tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
        legend: { bottom: 0 },
        series: [{
          type: "pie", radius: ["42%", "70%"], center: ["50%", "45%"], name: data.labels.projects,
          label: { formatter: "{b}\n{c}" },
          data: data.lights.map(function (i) {
            return { name: i.name, value: i.value, url: i.url, itemStyle: { color: LIGHT[i.light] } };
          })
        }]
      };
    },
    trend: function () {
      var t = data.trend;
      return {
        animation: false,
        color: ["#b71c1c"],
        grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
        tooltip: {
          trigger: "axis",
          formatter: function (params) {
            var i = params[0].dataIndex;
            var pct = t.percent[i] === null ? "—" : t.percent[i] + "%";
            return t.weeks[i] + "<br>" + t.series + ": " + pct + " (" + t.filed[i] + "/" + t.active[i] + ")";
          }
        },
        xAxis: { type: "category", data: t.weeks.map(function (w) { return w.slice(5); }), boundaryGap: false },
        yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
        series: [{ type: "line", name: t.series, data: t.percent, connectNulls: false, symbolSize: 7,
                   areaStyle: { opacity: 0.08 }, label: { show: true, formatter: "{c}%", fontSize: 10 } }]
      };
    },
    fronts: function () {
      var items = data.fronts.concat(data.batches);
      return empty(items) ? null : barOption(items, false);
    },
    fields: function () {
      return empty(data.fields) ? null : barOption(data.fields, false);
    },
    satisfaction: function () {
      if (empty(data.satisfaction)) return null;
      return {
        animation: false,
        color: ["#2e7d32", "#9ccc65", "#c62828"],
        tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
        legend: { bottom: 0 },
        series: [{ type: "pie", radius: "62%", center: ["50%", "45%"], label: { formatter: "{b}\n{c}" },
                   data: data.satisfaction }]
      };
    }
  };

  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var build = builders[el.getAttribute("data-chart")];
    var option = build && build();
    if (!option) { noData(el); return; }
    // SVG: crisp on paper, and the print stylesheet's sizes apply without redrawing pixels.
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    // A viewBox lets the print stylesheet scale the drawing to the paper's columns even when
    // the browser prints without a resize (ECharts leaves it off outside server-side rendering,
    // and takes it off again at every redraw).
    chart.on("finished", function () {
      var svg = el.querySelector("svg");
      if (svg && svg.getAttribute("width")) {
        svg.setAttribute("viewBox", "0 0 " + parseFloat(svg.getAttribute("width")) + " " + parseFloat(svg.getAttribute("height")));
      }
    });
    chart.setOption(option);
    chart.on("click", function (params) {
      var url = params.data && params.data.url;
      if (url) window.location.href = url;
    });
    charts.push(chart);
  });

  // On A4 (dashboard.css: 11 mm side margins, two columns, 62 mm high) a chart is about 330 px
  // wide, the wide one 690 px: drawn at that size the paper gets the real thing, not a shrunken
  // copy of the screen.
  var PRINT = { half: 330, full: 690, height: 230 };
  var printing = false;
  function resizeAll() { charts.forEach(function (c) { c.resize(); }); }
  function resizeForPrint() {
    printing = true;
    charts.forEach(function (c) {
      var wide = c.getDom().classList.contains("dashboard-chart-wide");
      c.resize({ width: wide ? PRINT.full : PRINT.half, height: PRINT.height });
    });
  }
  function afterPrint() { if (printing) { printing = false; resizeAll(); } }
  window.addEventListener("resize", function () { if (!printing) resizeAll(); });
  window.addEventListener("beforeprint", resizeForPrint);
  window.addEventListener("afterprint", afterPrint);
  if (window.matchMedia) {
    var media = window.matchMedia("print");
    var onChange = function (event) { if (event.matches) resizeForPrint(); else afterPrint(); };
    if (media.addEventListener) media.addEventListener("change", onChange);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-action=print]");
    if (button) { event.preventDefault(); window.print(); }
  });
})();
