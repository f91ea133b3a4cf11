/* The command centre: fetches /api/v1/command-centre for the district picked (or the city) and
   draws every chart with its table (charts.js). */
(function () {
  "use strict";
  var root = document.getElementById("centre");
  if (!root || !window.echarts || !window.SiteCaseCharts) return;
  var C = window.SiteCaseCharts, empty = root.getAttribute("data-empty");

  function show(id, rows) { C.fillTable(id, rows, empty); C.draw(id, rows, "label"); }

  var url = root.getAttribute("data-url"), district = root.getAttribute("data-district");
  if (district) url += "?" + new URLSearchParams({district: district}).toString();
  C.load(url).then(function (data) {
    C.fillTable("monitoring", [data.monitoring], empty);
    show("projects_by_district", data.projects.by_district);
    show("projects_by_status", data.projects.by_status);
    show("devices", data.districts);
    show("alarms", data.districts);
    show("orders", data.orders.by_type);
    show("works", data.works.by_status.filter(function (r) { return r.count > 0; }));
    show("dust", data.rankings.dust);
    show("noise", data.rankings.noise);
    C.fillTable("districts", data.districts, empty);
    root.setAttribute("data-loaded", "true");
  }).catch(function () {
    document.getElementById("centre-status").textContent = root.getAttribute("data-failed");
  });
})();
