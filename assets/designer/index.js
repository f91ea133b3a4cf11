// The SiteCase process modeler: bpmn-js with the properties panel, the spiffworkflow moddle
// extension (kept and edited on save), SiteCase's properties providers, expression checks as
// you type and every text in the page's language (Chinese, or English: translate.js). Built by
// `make assets` (esbuild) into
// app/web/static/vendor/designer/; the page calls window.SiteCaseModeler(options).
import BpmnModeler from "bpmn-js/lib/Modeler";
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from "bpmn-js-properties-panel";
import spiffworkflow from "./spiffworkflow.json";
import LosslessModule from "./lossless";
import TranslateModule from "./translate";
import SiteCaseProviderModule from "./sitecase_provider";
import ChecksModule from "./checks";

// The groups a designer works in are open; the others stay folded.
var OPEN_GROUPS = {};
["general", "sitecase-lane", "sitecase-user-task", "sitecase-operator", "sitecase-script", "sitecase-condition",
  "sitecase-message", "sitecase-multi-instance", "sitecase-call", "sitecase-start-rule", "timer", "multiInstance", "message"].forEach(function (id) {
  OPEN_GROUPS[id] = { open: true };
});

window.SiteCaseModeler = function (options) {
  return new BpmnModeler({
    container: options.container,
    keyboard: options.keyboard,
    propertiesPanel: { parent: options.panel, layout: { groups: OPEN_GROUPS } },
    sitecaseCatalogue: options.catalogue || { roles: [], forms: [], operators: [] },
    sitecaseChecks: { url: options.checkUrl, csrf: options.csrf },
    sitecaseLanguage: options.language === "en" ? "en" : "zh",
    additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, LosslessModule,
      TranslateModule, SiteCaseProviderModule, ChecksModule],
    moddleExtensions: { spiffworkflow: spiffworkflow }
  });
};
