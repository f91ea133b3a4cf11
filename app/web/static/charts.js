/* Tables and Apache ECharts charts drawn from the same rows (statistics, command centre).
   Labels come from the page (data-series, data-columns), so nothing is shown untranslated. */
(function () {
  "use strict";
  var charts = [];

  function cell(key, value) {
    if (value === null || value === undefined) return "";
    if (/(_rate|^share)$/.test(key)) return (value * 100).toFixed(1) + "%";
    return String(value);
  }

  function fillTable(id, rows, emptyText) {
    var table = document.getElementById("table-" + id);
    if (!table) return;
    var columns = JSON.parse(table.getAttribute("data-columns"));
    var body = table.tBodies[0];
    body.textContent = "";
    if (!rows.length) {
      var empty = body.insertRow().insertCell();
      empty.colSpan = columns.length;
      empty.className = "muted";
      empty.textContent = emptyText;
      return;
    }
    rows.forEach(function (row) {
      var tr = body.insertRow();
      columns.forEach(function (c) {
        var td = tr.insertCell();
        td.setAttribute("data-th", c[1]);
        td.textContent = cell(c[0], row[c[0]]);
      });
    });
  }

  function option(kind, series, rows, category, theme) {
    var names = rows.map(function (r) { return r[category]; });
    if (kind === "pie") {
      return {tooltip: {trigger: "item"}, legend: {type: "scroll", bottom: 0},
              series: [{type: "pie", name: series[0][1], radius: ["35%", "65%"],
                        data: rows.map(function (r) { return {name: r[category], value: r[series[0][0]]}; })}]};
    }
    var stacked = kind === "stack";
    return {tooltip: {trigger: "axis"}, legend: {bottom: 0}, grid: {left: 40, right: 16, top: 16, bottom: 56},
            xAxis: {type: "category", data: names,
                    axisLabel: {hideOverlap: true, width: 96, overflow: "truncate"}},
            yAxis: {type: "value", minInterval: 1},
            series: series.map(function (s) {
              return {type: stacked ? "bar" : kind, stack: stacked ? "all" : undefined, name: s[1],
                      data: rows.map(function (r) { return r[s[0]]; })};
            })};
  }

  function draw(id, rows, category, theme) {
    var box = document.getElementById("chart-" + id);
    if (!box) return;
    var chart = echarts.getInstanceByDom(box) || echarts.init(box, theme || null, {renderer: "canvas"});
    if (charts.indexOf(chart) < 0) charts.push(chart);
    chart.setOption(option(box.getAttribute("data-kind"), JSON.parse(box.getAttribute("data-series")), rows,
                           category || "label"), true);
    box.setAttribute("data-drawn", "true");
  }

  function load(url) {
    return fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}}).then(function (r) {
      if (!r.ok) throw new Error(String(r.status));
      return r.json();
    }).then(function (body) { return body.data; });
  }

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  window.SiteCaseCharts = {fillTable: fillTable, draw: draw, load: load};
})();
