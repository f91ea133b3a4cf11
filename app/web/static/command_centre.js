/* The command centre: fetches /api/v1/command-centre for the district picked (or the city) and
   draws every chart with its table (charts.js). On the wall (body.big-screen) it reads
   /api/v1/display/command-centre with the display token's HttpOnly cookie (set by /display?token=,
   never readable by a script), dark, again every data-refresh ms. */
(function () {
  "use strict";
  var root = document.getElementById("centre");
  if (!root || !window.echarts || !window.SiteCaseCharts) return;
  var C = window.SiteCaseCharts, empty = root.getAttribute("data-empty");

  var url = root.getAttribute("data-url"), district = root.getAttribute("data-district");
  var refresh = Number(root.getAttribute("data-refresh") || 0);
  var dark = document.body.classList.contains("big-screen") ? "dark" : null;
  if (district) url += "?" + new URLSearchParams({district: district}).toString();

  function figures() { return C.load(url); }

  function show(id, rows) { C.fillTable(id, rows, empty); C.draw(id, rows, "label", dark); }

  function update() { return figures().then(function (data) {
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
    var updated = document.getElementById("screen-updated");
    if (updated) updated.textContent = new Date().toLocaleTimeString("zh-CN", {hour12: false});
    document.getElementById("centre-status").textContent = "";
    root.setAttribute("data-loaded", "true");
    root.setAttribute("data-updates", String(Number(root.getAttribute("data-updates") || 0) + 1));
  }).catch(function () {
    document.getElementById("centre-status").textContent = root.getAttribute("data-failed");
  }); }

  update();
  if (refresh > 0) window.setInterval(update, refresh);
})();
