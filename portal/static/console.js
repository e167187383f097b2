// The staff console's one script (CSP: script-src 'self'; no inline code).
// Budget chart: ECharts reads its data from <script type="application/json" id="budget-data">.
(function () {
  "use strict";

  // The chart's unit: 万元 (1,000,000 fen) on the Chinese page, millions of yuan on the English.
  function wan(fen) {
    return fen / (document.documentElement.lang === "en" ? 100000000 : 1000000);
  }

  function yuan(fen) {
    var sign = fen < 0 ? "-" : "";
    var abs = Math.abs(fen);
    var whole = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var cents = String(abs % 100).padStart(2, "0");
    return sign + "¥" + whole + "." + cents;
  }

  function budgetChart() {
    var el = document.getElementById("budget-chart");
    var source = el && document.getElementById(el.getAttribute("data-source"));
    if (!el || !source || typeof window.echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var labels = data.labels;
    var colors = { reserved: "#e8a33d", spent: "#b3282d", available: "#5b8def" };
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    var series = ["spent", "reserved", "available"].map(function (key) {
      return {
        name: labels[key],
        type: "bar",
        stack: "budget",
        barMaxWidth: 48,
        itemStyle: { color: colors[key] },
        emphasis: { focus: "series" },
        data: data.series[key].map(wan)
      };
    });
    chart.setOption({
      aria: { enabled: true },
      animation: false,
      grid: { left: 60, right: 20, top: 40, bottom: 80 },
      legend: { top: 0 },
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        formatter: function (params) {
          var i = params[0].dataIndex;
          var lines = [data.programs[i]];
          ["spent", "reserved", "available", "allocated"].forEach(function (key) {
            lines.push(labels[key] + ": " + yuan(data.series[key][i]));
          });
          return lines.join("<br>");
        }
      },
      xAxis: {
        type: "category",
        data: data.programs,
        axisLabel: { interval: 0, width: 110, overflow: "break" }
      },
      yAxis: { type: "value", name: labels.wan_unit },
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.setAttribute("data-ready", "true");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", budgetChart);
  } else {
    budgetChart();
  }
})();
