/* The statistics page: reads the filter, fetches /api/v1/stats/…, fills every table and draws
   each chart (charts.js) from the same rows. */
(function () {
  "use strict";
  var root = document.getElementById("stats");
  var form = document.getElementById("stats-filter");
  if (!root || !form || !window.echarts || !window.SiteCaseCharts) return;
  var C = window.SiteCaseCharts;

  function query(typeField) {
    var params = new URLSearchParams();
    ["start", "end", "grain"].forEach(function (name) {
      if (form.elements[name] && form.elements[name].value) params.set(name, form.elements[name].value);
    });
    var type = form.elements[typeField] && form.elements[typeField].value;
    if (type) params.set("type", type);
    return params.toString();
  }

  function fillTable(id, rows) { C.fillTable(id, rows, root.getAttribute("data-empty")); }

  function show(id, rows) { fillTable(id, rows); C.draw(id, rows, id === "trend" ? "bucket" : "label"); }

  var load = C.load;

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
})();
