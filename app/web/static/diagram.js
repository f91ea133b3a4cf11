// The BPMN diagram of a case (NavigatedViewer) with its open steps highlighted (a large diagram
// zoomed to the current one), who did each done
// step and when (data-steps), lanes under their role names (data-roles); on a process version's
// page the heat map of its cases (data-heat: open tasks, incidents, average time per element).
(function () {
  "use strict";
  function json(el, name, fallback) { return el.dataset[name] ? JSON.parse(el.dataset[name]) : fallback; }
  function text(s) { var d = document.createElement("div"); d.textContent = String(s); return d.innerHTML; }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function when(iso) {
    var d = new Date(iso);
    return isNaN(d) ? "" : d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }
  function fill(template, values) {
    return String(template || "").replace(/{([a-z]+)}/g, function (_, k) { return k in values ? values[k] : ""; });
  }

  // A lane's name is its role code: show the role's words instead.
  function nameLanes(registry, roles) {
    registry.filter(function (e) { return e.type === "bpmn:Lane"; }).forEach(function (lane) {
      var label = roles[lane.businessObject.name];
      var gfx = registry.getGraphics(lane);
      var tspans = gfx ? gfx.querySelectorAll("text tspan") : [];
      if (!label || !tspans.length) return;
      tspans[0].textContent = label;
      for (var i = 1; i < tspans.length; i++) tspans[i].textContent = "";
    });
  }

  function showSteps(viewer, steps, words) {
    var overlays = viewer.get("overlays"), registry = viewer.get("elementRegistry");
    Object.keys(steps).forEach(function (id) {
      var list = steps[id], last = list[list.length - 1];
      if (!registry.get(id) || !last) return;
      var times = list.length > 1 ? " " + fill(words.times, { n: list.length }) : "";
      overlays.add(id, "sitecase-step", { position: { bottom: -2, left: 0 },
        html: "<div class=\"step-who\" title=\"" + text(list.map(function (s) { return s.who + " " + when(s.when); }).join("\n")) + "\">" +
          text((last.who || "") + " · " + when(last.when) + times) + "</div>" });
    });
  }

  function showHeat(viewer, heat, max, words) {
    var overlays = viewer.get("overlays"), registry = viewer.get("elementRegistry"), canvas = viewer.get("canvas");
    Object.keys(heat).forEach(function (id) {
      var e = heat[id];
      if (!registry.get(id)) return;
      if (e.avg_hours !== null && max > 0) canvas.addMarker(id, "heat-" + Math.min(4, Math.floor(4 * e.avg_hours / max)));
      var badges = [];
      if (e.open) badges.push("<span class=\"badge-open\">" + text(fill(words.open, { n: e.open })) + "</span>");
      if (e.incidents) badges.push("<span class=\"badge-incident\">" + text(fill(words.incidents, { n: e.incidents })) + "</span>");
      if (badges.length) overlays.add(id, "sitecase-heat", { position: { top: -14, right: 10 }, html: "<div class=\"heat-badges\">" + badges.join("") + "</div>" });
      if (e.done) {
        overlays.add(id, "sitecase-heat", { position: { bottom: -2, left: 0 },
          html: "<div class=\"heat-time\">" + text(fill(words.average, { h: e.avg_hours, n: e.done })) + "</div>" });
      }
    });
  }

  // A large diagram fitted into the box has unreadable labels: show the current step at full size.
  function zoomToCurrent(canvas, registry, open) {
    var current = open.map(function (id) { return registry.get(id); }).filter(Boolean)[0];
    if (!current || canvas.zoom() >= 0.8) return;
    canvas.zoom(1);
    var box = canvas.viewbox();
    canvas.viewbox({ x: current.x + current.width / 2 - box.width / 2, y: current.y + current.height / 2 - box.height / 2,
      width: box.width, height: box.height });
  }

  document.querySelectorAll("[data-bpmn-viewer]").forEach(function (el) {
    var source = document.getElementById(el.dataset.source);
    if (!source || !window.BpmnJS) return;
    var viewer = new window.BpmnJS({ container: el });
    el.sitecaseViewer = viewer;  // for the browser tests
    var open = json(el, "open", []), done = json(el, "done", []), words = json(el, "words", {});
    viewer.importXML(JSON.parse(source.textContent)).then(function () {
      var canvas = viewer.get("canvas");
      canvas.zoom("fit-viewport");
      var registry = viewer.get("elementRegistry");
      done.forEach(function (id) { if (registry.get(id)) canvas.addMarker(id, "step-done"); });
      open.forEach(function (id) { if (registry.get(id)) canvas.addMarker(id, "step-current"); });
      nameLanes(registry, json(el, "roles", {}));
      zoomToCurrent(canvas, registry, open);
      showSteps(viewer, json(el, "steps", {}), words);
      showHeat(viewer, json(el, "heat", {}), Number(el.dataset.max || 0), words);
      el.dataset.ready = "true";
    }).catch(function (err) {
      el.textContent = (words.undrawable || "流程图无法显示（该流程文件缺少图形信息）：") + err.message;
      el.dataset.ready = "error";
    });
  });
})();
