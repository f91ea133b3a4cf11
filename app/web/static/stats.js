/* The statistics page: reads the filter, fetches /api/v1/stats/…, fills every table and draws
   each chart (Apache ECharts) from the same rows. Labels come from the page (data-series,
   data-columns), so nothing here is shown to a reader untranslated. */
(function () {
  "use strict";
  var root = document.getElementById("stats");
  var form = document.getElementById("stats-filter");
  if (!root || !form || !window.echarts) return;
  var charts = [];

  function query(typeField) {
    var params = new URLSearchParams();
    ["start", "end", "grain"].forEach(function (name) {
      if (form.elements[name] && form.elements[name].value) params.set(name, form.elements[name].value);
    });
    var type = form.elements[typeField] && form.elements[typeField].value;
    if (type) params.set("type", type);
    return params.toString();
  }

  function cell(key, value) {
    if (value === null || value === undefined) return "";
    if (/(_rate|^share)$/.test(key)) return (value * 100).toFixed(1) + "%";
    return String(value);
  }

  function fillTable(id, rows) {
    var table = document.getElementById("table-" + id);
    if (!table) return;
    var columns = JSON.parse(table.getAttribute("data-columns"));
    var body = table.tBodies[0];
    body.textContent = "";
    if (!rows.length) {
      var empty = body.insertRow().insertCell();
      empty.colSpan = columns.length;
      empty.className = "muted";
      empty.textContent = root.getAttribute("data-empty");
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

  function option(kind, series, rows, category) {
    var names = rows.map(function (r) { return r[category]; });
    if (kind === "pie") {
      return {tooltip: {trigger: "item"}, legend: {type: "scroll", bottom: 0},
              series: [{type: "pie", name: series[0][1], radius: ["35%", "65%"],
                        data: rows.map(function (r) { return {name: r[category], value: r[series[0][0]]}; })}]};
    }
    return {tooltip: {trigger: "axis"}, legend: {bottom: 0}, grid: {left: 40, right: 16, top: 16, bottom: 56},
            xAxis: {type: "category", data: names, axisLabel: {hideOverlap: true}},
            yAxis: {type: "value", minInterval: 1},
            series: series.map(function (s) {
              return {type: kind, name: s[1], data: rows.map(function (r) { return r[s[0]]; })};
            })};
  }

  function draw(id, rows) {
    var box = document.getElementById("chart-" + id);
    if (!box) return;
    var chart = echarts.getInstanceByDom(box) || echarts.init(box, null, {renderer: "canvas"});
    if (charts.indexOf(chart) < 0) charts.push(chart);
    var category = id === "trend" ? "bucket" : "label";
    chart.setOption(option(box.getAttribute("data-kind"), JSON.parse(box.getAttribute("data-series")), rows, category), true);
    box.setAttribute("data-drawn", "true");
  }

  function show(id, rows) { fillTable(id, rows); draw(id, rows); }

  function load(url) {
    return fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}}).then(function (r) {
      if (!r.ok) throw new Error(String(r.status));
      return r.json();
    }).then(function (body) { return body.data; });
  }

  var alarmQuery = query("alarm_type"), supervisionQuery = query("order_type");
  document.getElementById("export-alarms").search = alarmQuery;
  document.getElementById("export-supervision").search = supervisionQuery;
  var status = document.getElementById("stats-status");
  Promise.all([load(root.getAttribute("data-alarms-url") + "?" + alarmQuery),
               load(root.getAttribute("data-supervision-url") + "?" + supervisionQuery)]).then(function (both) {
    var alarms = both[0], supervision = both[1];
    fillTable("overview", [alarms.overview]);
    ["trend", "by_type", "by_level", "open_by_type", "by_district", "by_device_type"].forEach(function (id) {
      show(id, alarms[id]);
    });
    fillTable("by_project", alarms.by_project);
    show("orders", supervision.orders);
    show("works_status", supervision.works.by_status);
    show("works_category", supervision.works.by_category);
    fillTable("urging", supervision.urging);
    root.setAttribute("data-loaded", "true");
  }).catch(function () {
    status.textContent = root.getAttribute("data-failed");
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
