/* The assessment page: fetches the month's district and enterprise scores from
   /api/v1/stats/assessment/… and draws each ranking as a bar chart with its table view. */
(function () {
  "use strict";
  var root = document.getElementById("assessment");
  if (!root || !window.echarts || !window.SiteCaseCharts) return;
  var C = window.SiteCaseCharts;
  var status = document.getElementById("assessment-status");
  Promise.all([C.load(root.getAttribute("data-districts-url")),
               C.load(root.getAttribute("data-enterprises-url"))]).then(function (both) {
    [["district", both[0]], ["enterprise", both[1]]].forEach(function (pair) {
      C.fillTable(pair[0], pair[1], root.getAttribute("data-empty"));
      C.draw(pair[0], pair[1], "unit");
    });
    root.setAttribute("data-loaded", "true");
  }).catch(function () {
    status.textContent = root.getAttribute("data-failed");
  });
})();
