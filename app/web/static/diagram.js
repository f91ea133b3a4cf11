// The BPMN diagram of a case (NavigatedViewer) with its open steps highlighted.
(function () {
  "use strict";
  document.querySelectorAll("[data-bpmn-viewer]").forEach(function (el) {
    var source = document.getElementById(el.dataset.source);
    if (!source || !window.BpmnJS) return;
    var viewer = new window.BpmnJS({ container: el });
    var open = JSON.parse(el.dataset.open || "[]");
    var done = JSON.parse(el.dataset.done || "[]");
    viewer.importXML(JSON.parse(source.textContent)).then(function () {
      var canvas = viewer.get("canvas");
      canvas.zoom("fit-viewport");
      var registry = viewer.get("elementRegistry");
      done.forEach(function (id) { if (registry.get(id)) canvas.addMarker(id, "step-done"); });
      open.forEach(function (id) { if (registry.get(id)) canvas.addMarker(id, "step-current"); });
      el.dataset.ready = "true";
    }).catch(function (err) {
      el.textContent = "流程图无法显示（该流程文件缺少图形信息）：" + err.message;
      el.dataset.ready = "error";
    });
  });
})();
