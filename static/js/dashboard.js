// The leaders' dashboard: draws the charts from the page's JSON (json_script, no inline
// script: the CSP allows only 'self') with the vendored ECharts, opens the records behind a
// bar or a slice on click, and prints the briefing paper.
(function () {
  "use strict";
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
    var category = { type: "category", data: names, axisLabel: { interval: 0, hideOverlap: true } };
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
    chart.setOption(option);
    chart.on("click", function (params) {
      var url = params.data && params.data.url;
      if (url) window.location.href = url;
    });
    charts.push(chart);
  });

  function resizeAll() { charts.forEach(function (c) { c.resize(); }); }
  window.addEventListener("resize", resizeAll);
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
  if (window.matchMedia) {
    var media = window.matchMedia("print");
    if (media.addEventListener) media.addEventListener("change", resizeAll);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-action=print]");
    if (button) { event.preventDefault(); window.print(); }
  });
})();
