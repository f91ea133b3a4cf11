/* A project's overview: fetches /api/v1/projects/{code}/overview and fills the tables, the pie and
   bar charts (charts.js) and one line chart per metric (one line per device), each with its table. */
(function () {
  "use strict";
  var root = document.getElementById("overview");
  if (!root || !window.echarts || !window.SiteCaseCharts) return;
  var C = window.SiteCaseCharts, empty = root.getAttribute("data-empty");
  var words = document.getElementById("overview-words").dataset;

  function trendCard(trend, n) {
    var card = document.createElement("section");
    card.className = "card stats-block";
    var title = document.createElement("h2");
    title.textContent = trend.metric;
    var box = document.createElement("div");
    box.className = "chart";
    box.id = "chart-trend-" + n;
    box.setAttribute("data-chart", "trend-" + n);
    box.setAttribute("role", "img");
    box.setAttribute("aria-label", trend.metric);
    var details = document.createElement("details");
    details.className = "table-view";
    var summary = document.createElement("summary");
    summary.textContent = root.getAttribute("data-table");
    var table = document.createElement("table");
    table.className = "stack";
    table.id = "table-trend-" + n;
    table.setAttribute("data-columns", JSON.stringify([["time", root.getAttribute("data-time")],
      ["device", root.getAttribute("data-device")], ["value", root.getAttribute("data-value")]]));
    var head = table.createTHead().insertRow();
    JSON.parse(table.getAttribute("data-columns")).forEach(function (c) {
      var th = document.createElement("th");
      th.textContent = c[1];
      head.appendChild(th);
    });
    table.createTBody();
    details.appendChild(summary);
    details.appendChild(table);
    card.appendChild(title);
    card.appendChild(box);
    card.appendChild(details);
    document.getElementById("trends").appendChild(card);
    var chart = echarts.init(box, null, {renderer: "canvas"});
    chart.setOption({tooltip: {trigger: "axis"}, legend: {type: "scroll", bottom: 0},
                     grid: {left: 48, right: 16, top: 16, bottom: 56},
                     xAxis: {type: "category", boundaryGap: false,
                             data: Array.from(new Set([].concat.apply([], trend.lines.map(function (l) {
                               return l.points.map(function (p) { return p[0]; }); })))).sort()},
                     yAxis: {type: "value", scale: true},
                     series: trend.lines.map(function (l) {
                       return {type: "line", name: l.device, showSymbol: false, connectNulls: true,
                               data: l.points.map(function (p) { return [p[0], p[1]]; })};
                     })});
    window.addEventListener("resize", function () { chart.resize(); });
    box.setAttribute("data-drawn", "true");
    var rows = [];
    trend.lines.forEach(function (l) {
      l.points.forEach(function (p) { rows.push({time: p[0], device: l.device, value: p[1]}); });
    });
    C.fillTable("trend-" + n, rows, empty);
  }

  C.load(root.getAttribute("data-url")).then(function (data) {
    C.fillTable("project", [data.project], empty);
    C.fillTable("participants", data.participants, empty);
    C.fillTable("alarm_figures", [data.alarms], empty);
    C.fillTable("alarm_types", data.alarms.by_type, empty);
    C.draw("alarm_types", data.alarms.by_type);
    C.fillTable("case_processes", data.cases.by_process, empty);
    C.draw("case_processes", data.cases.by_process);
    C.fillTable("devices", data.devices.map(function (d) {
      return Object.assign({}, d, {reporting_text: d.reporting ? words.yes : words.no,
        latest_text: d.latest.map(function (v) { return v.metric + " " + v.value; }).join("；")});
    }), empty);
    data.trends.forEach(trendCard);
    C.fillTable("works", data.works.map(function (w) {
      return Object.assign({}, w, {scale_text: w.super_scale ? words.super : words.normal});
    }), empty);
    C.fillTable("cases", data.cases.latest, empty);
    C.fillTable("alarms", data.alarms.latest, empty);
    document.getElementById("overview-status").textContent = "";
    root.setAttribute("data-loaded", "true");
  }).catch(function () {
    document.getElementById("overview-status").textContent = root.getAttribute("data-failed");
  });
})();
