// Expressions and scripts checked as the designer types: every one of the diagram goes to the
// server's sandbox compiler (debounced), errors come back in Chinese, the element is marked on
// the canvas (its title says why) and the entry in the properties panel shows the message.
import { extension, propertyValue, operatorParameters } from "./sitecase_provider";

export function collectSources(elementRegistry) {
  var items = [];
  function add(element, entry, kind, source) {
    if (source && String(source).trim()) items.push({ key: element.id + "|" + entry, kind: kind, source: String(source) });
  }
  elementRegistry.getAll().forEach(function (element) {
    var bo = element.businessObject;
    if (!bo || element.type === "label") return;
    if (bo.$type === "bpmn:SequenceFlow" && bo.conditionExpression) add(element, "sitecase-condition", "expression", bo.conditionExpression.body);
    if (bo.$type === "bpmn:ScriptTask") add(element, "sitecase-script", "script", bo.script);
    if (bo.$type === "bpmn:UserTask") add(element, "sitecase-due-in", "expression", propertyValue(bo, "dueIn"));
    if (bo.$type === "bpmn:ServiceTask") {
      operatorParameters(bo).forEach(function (p) { add(element, "sitecase-param-" + p.id, "expression", p.value); });
    }
    ["preScript", "postScript"].forEach(function (name) {
      var s = extension(bo, "spiffworkflow:" + name.charAt(0).toUpperCase() + name.slice(1));
      if (s) add(element, "sitecase-" + name, "script", s.value);
    });
    (bo.eventDefinitions || []).forEach(function (d) {
      if (d.$type !== "bpmn:TimerEventDefinition") return;
      var v = d.timeDate || d.timeDuration || d.timeCycle;
      if (v) add(element, "timerEventDefinitionValue", "expression", v.body);
    });
    var loop = bo.loopCharacteristics;
    if (loop && loop.completionCondition) add(element, "completionCondition", "expression", loop.completionCondition.body);
  });
  return items;
}

function ExpressionChecks(eventBus, elementRegistry, canvas, config) {
  var options = config || {};
  var errors = {}; // element id -> { entry id -> message }
  var marked = [];
  var timer = null, selected = null, generation = 0;

  function publish() {
    var mine = (selected && errors[selected.id]) || {};
    eventBus.fire("propertiesPanel.setErrors", { errors: mine });
  }

  function mark() {
    marked.forEach(function (id) {
      if (elementRegistry.get(id)) {
        canvas.removeMarker(id, "has-expression-error");
        var gfx = elementRegistry.getGraphics(id); var t = gfx && gfx.querySelector("title.sitecase-error"); if (t) t.remove();
      }
    });
    marked = Object.keys(errors).filter(function (id) { return elementRegistry.get(id); });
    marked.forEach(function (id) {
      canvas.addMarker(id, "has-expression-error");
      var gfx = elementRegistry.getGraphics(id);
      var title = document.createElementNS("http://www.w3.org/2000/svg", "title");
      title.setAttribute("class", "sitecase-error");
      title.textContent = Object.keys(errors[id]).map(function (k) { return errors[id][k]; }).join("\n");
      gfx.appendChild(title);
    });
  }

  function check() {
    if (!options.url) return;
    var mine = ++generation;
    var items = collectSources(elementRegistry);
    fetch(options.url, { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": options.csrf || "" },
      body: JSON.stringify({ items: items }) })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (!body || mine !== generation) return;
        errors = {};
        body.data.forEach(function (result) {
          if (result.ok) return;
          var parts = result.key.split("|");
          (errors[parts[0]] = errors[parts[0]] || {})[parts[1]] = result.message;
        });
        mark();
        publish();
        eventBus.fire("sitecase.checked", { errors: errors });
      });
  }

  function schedule() { clearTimeout(timer); timer = setTimeout(check, 250); }

  eventBus.on("import.done", schedule);
  eventBus.on("commandStack.changed", schedule);
  eventBus.on("selection.changed", function (e) { selected = e.newSelection.length === 1 ? e.newSelection[0] : null; setTimeout(publish, 0); });
  eventBus.on("propertiesPanel.updated", function () { setTimeout(publish, 0); });
  this.errors = function () { return errors; };
  this.check = check;
}
ExpressionChecks.$inject = ["eventBus", "elementRegistry", "canvas", "config.sitecaseChecks"];

export default {
  __init__: ["sitecaseChecks"],
  sitecaseChecks: ["type", ExpressionChecks]
};
