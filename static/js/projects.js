// Burn-up charts of the project detail page. Data comes from json_script blocks (the CSP
// allows no inline script): #burnup-data (one entry per indicator) and #burnup-labels.
(function () {
  "use strict";
  var dataEl = document.getElementById("burnup-data");
  if (!dataEl || typeof window.echarts === "undefined") return;
  var indicators = JSON.parse(dataEl.textContent);
  var labelsEl = document.getElementById("burnup-labels");
  var labels = labelsEl ? JSON.parse(labelsEl.textContent) : {};
  var charts = [];
  var RED = "#b71c1c", GREY = "#6c757d", GREEN = "#2e7d32", ORANGE = "#ef6c00";

  function actualPoints(ind) {
    // The actual line starts at the baseline on the start date unless a reading says otherwise.
    var points = ind.readings.slice();
    if (!points.length || points[0][0] > ind.start) points.unshift([ind.start, ind.baseline]);
    return points;
  }

  function option(ind, narrow) {
    var actual = actualPoints(ind);
    var last = actual[actual.length - 1];
    var series = [
      {
        name: labels.planned || "Planned", type: "line", symbol: "none",
        lineStyle: { type: "dashed", color: GREY, width: 1.5 }, itemStyle: { color: GREY },
        data: [[ind.start, ind.baseline], [ind.deadline, ind.target]]
      },
      {
        name: labels.target || "Target", type: "line", symbol: "none",
        lineStyle: { color: GREEN, width: 1.5 }, itemStyle: { color: GREEN },
        data: [[ind.start, ind.target], [ind.deadline, ind.target]]
      },
      {
        name: labels.actual || "Actual", type: "line", symbolSize: 6,
        lineStyle: { color: RED, width: 2.5 }, itemStyle: { color: RED },
        data: actual,
        markLine: {
          silent: true, symbol: "none", label: { formatter: labels.today || "Today", fontSize: 10 },
          lineStyle: { color: "#adb5bd", type: "dotted" }, data: [{ xAxis: ind.today }]
        }
      }
    ];
    if (ind.forecast) {
      series.push({
        name: labels.forecast || "At this pace", type: "line", symbol: "none",
        lineStyle: { type: "dotted", color: ORANGE, width: 2 }, itemStyle: { color: ORANGE },
        data: [last, [ind.forecast, ind.target]]
      });
    }
    return {
      animation: false,
      grid: { left: 8, right: 16, top: 28, bottom: narrow ? 56 : 40, containLabel: true },
      legend: { bottom: 0, itemWidth: 18, textStyle: { fontSize: narrow ? 10 : 12 } },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v + " " + ind.unit; } },
      xAxis: {
        type: "time", splitNumber: narrow ? 3 : 6,
        axisLabel: { hideOverlap: true, fontSize: narrow ? 10 : 12, formatter: "{MM}-{dd}" }
      },
      yAxis: {
        type: "value", name: ind.unit, scale: false,
        min: Math.min(0, ind.baseline, ind.target), nameTextStyle: { align: "left" }
      },
      series: series
    };
  }

  indicators.forEach(function (ind) {
    var el = document.getElementById("burnup-" + ind.id);
    if (!el) return;
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option(ind, el.clientWidth < 480));
    charts.push({ chart: chart, ind: ind, el: el });
  });

  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      charts.forEach(function (c) {
        c.chart.setOption(option(c.ind, c.el.clientWidth < 480), true);
        c.chart.resize();
      });
    }, 150);
  });
  // A chart inside a collapsed element measures 0 wide; redraw when it opens.
  document.addEventListener("shown.bs.collapse", function () { charts.forEach(function (c) { c.chart.resize(); }); });
})();
