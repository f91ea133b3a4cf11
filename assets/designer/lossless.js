// Keeps what bpmn-moddle would drop on import: references to ids that are not BPMN elements.
// SpiffWorkflow reads a multi-instance `loopDataInputRef` / `loopDataOutputRef` as the NAME of a
// task-data variable (`panel_pending`), which the BPMN schema types as a reference to an
// ItemAwareElement; moddle finds no element of that id, warns "unresolved reference" and leaves
// the property empty, so the next save lost the collection. Put a placeholder with that id back
// (the writer serializes a reference by its id), so the file saves as it was read.

export function restoreUnresolvedReferences(moddle, warnings) {
  var restored = [];
  (warnings || []).forEach(function (warning) {
    var element = warning.element, property = warning.property, value = warning.value;
    if (!element || !property || !value || !/^unresolved reference/.test(warning.message || "")) return;
    var descriptor = element.$descriptor && element.$descriptor.propertiesByName[property];
    if (!descriptor || !descriptor.isReference) return;
    var placeholder = variableRef(moddle, value);
    if (descriptor.isMany) {
      element.get(property).push(placeholder);
    } else {
      element.set(property, placeholder);
    }
    restored.push(value);
  });
  return restored;
}

// A variable named by a reference property: an ItemAwareElement carrying only the id.
export function variableRef(moddle, name) {
  return moddle.create("bpmn:ItemAwareElement", { id: name });
}

function LosslessImport(eventBus, moddle) {
  eventBus.on("import.done", function (event) {
    restoreUnresolvedReferences(moddle, event.warnings);
  });
}
LosslessImport.$inject = ["eventBus", "moddle"];

export default {
  __init__: ["sitecaseLosslessImport"],
  sitecaseLosslessImport: ["type", LosslessImport]
};
