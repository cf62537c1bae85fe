// The cockpit's charts: data from the json_script block, no inline script (the CSP allows 'self' only).
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function bar(el, labels, values, horizontal) {
    var chart = echarts.init(el);
    var category = { type: "category", data: labels, axisLabel: { interval: 0, fontSize: 11 } };
    var value = { type: "value" };
    chart.setOption({
      animation: false,
      grid: { left: horizontal ? 110 : 50, right: 20, top: 20, bottom: horizontal ? 20 : 60 },
      tooltip: { trigger: "axis" },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign({ inverse: true }, category) : value,
      series: [{ type: "bar", data: values, itemStyle: { color: "#b3262d" } }],
    });
    return chart;
  }

  ready(function () {
    var source = document.getElementById("stats-charts");
    var charts = [];
    if (source && window.echarts) {
      var data = JSON.parse(source.textContent);
      document.querySelectorAll("[data-chart]").forEach(function (el) {
        var kind = el.getAttribute("data-chart");
        if (kind === "ranking") {
          el.style.height = Math.max(320, data.ranking.labels.length * 22 + 40) + "px";
          charts.push(bar(el, data.ranking.labels, data.ranking.values, true));
        } else if (kind === "structure") {
          var s = data.structure[Number(el.getAttribute("data-index"))];
          var pie = echarts.init(el);
          pie.setOption({
            animation: false,
            tooltip: { trigger: "item" },
            series: [{ type: "pie", radius: ["35%", "65%"], data: s.labels.map(function (l, i) { return { name: l, value: s.values[i] }; }) }],
          });
          charts.push(pie);
        } else if (kind === "trend") {
          var t = data.trend[0];
          if (t) charts.push(bar(el, t.years.map(String), t.values, false));
        }
      });
      window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
    }
    document.querySelectorAll("[data-toggle-table]").forEach(function (button) {
      button.addEventListener("click", function () {
        var name = button.getAttribute("data-toggle-table");
        var chart = document.getElementById("chart-" + name);
        var table = document.getElementById("table-" + name);
        if (chart) chart.classList.toggle("d-none");
        if (table) table.classList.toggle("d-none");
      });
    });
    document.querySelectorAll("[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  });
})();
