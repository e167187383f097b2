// The public statistics' charts (CSP: script-src 'self'; no inline code). Each chart container
// names its data in <script type="application/json" id="statistics-data">; the table beside it
// holds the same figures for screen readers. Money arrives in fen with its exact yuan for the
// tooltip, and is drawn in the page's unit (万元, or millions of yuan in English).
(function () {
  "use strict";

  var COLORS = {
    approved: "#e8a33d",
    paid: "#b3282d",
    in_review: "#5b8def",
    closed: "#9aa0a6"
  };

  function draw(el, data) {
    var chart = data.charts[el.getAttribute("data-chart")];
    if (!chart) { return; }
    var money = chart.kind === "money";
    var keys = Object.keys(chart.series);
    var instance = window.echarts.init(el, null, { renderer: "canvas" });
    instance.setOption({
      aria: { enabled: true },
      animation: false,
      grid: { left: 8, right: 24, top: 36, bottom: money ? 28 : 8, containLabel: true },
      legend: { top: 0 },
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        formatter: function (params) {
          var i = params[0].dataIndex;
          var lines = [chart.categories[i]];
          keys.forEach(function (key) {
            var shown = money ? chart.exact[key][i] : String(chart.series[key][i]);
            lines.push(data.labels[key] + ": " + shown);
          });
          return lines.join("<br>");
        }
      },
      xAxis: {
        type: "value",
        name: money ? data.unit_label : "",
        nameLocation: "middle",
        nameGap: 26
      },
      yAxis: {
        type: "category",
        inverse: true,
        data: chart.categories,
        axisLabel: { width: 150, overflow: "truncate" }
      },
      series: keys.map(function (key) {
        return {
          name: data.labels[key],
          type: "bar",
          stack: money ? undefined : "count",
          barMaxWidth: 22,
          itemStyle: { color: COLORS[key] },
          data: chart.series[key].map(function (v) { return money ? v / data.unit : v; })
        };
      })
    });
    window.addEventListener("resize", function () { instance.resize(); });
    el.setAttribute("data-ready", "true");
  }

  function start() {
    var source = document.getElementById("statistics-data");
    if (!source || typeof window.echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("[data-chart]").forEach(function (el) { draw(el, data); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
