// SiteCase's own groups in the properties panel: what the engine reads from a diagram.
// lane → role, user task → form and inbox settings, service task → operator and parameters,
// script, sequence-flow condition, message variable, multi-instance collection and items.
import { SelectEntry, TextFieldEntry, TextAreaEntry, Group } from "@bpmn-io/properties-panel";
import { createElement } from "@bpmn-io/properties-panel/preact";
import { is, getBusinessObject } from "bpmn-js/lib/util/ModelUtil";
import { variableRef } from "./lossless";

var NONE = "";

// --- extension element helpers ----------------------------------------------------------------
export function extension(bo, type) {
  var ext = bo.get("extensionElements");
  return ext ? (ext.get("values") || []).filter(function (v) { return v.$type === type; })[0] : undefined;
}

function ensureExtension(element, bo, type, bpmnFactory, commands) {
  var ext = bo.get("extensionElements");
  if (!ext) {
    ext = bpmnFactory.create("bpmn:ExtensionElements", { values: [] });
    ext.$parent = bo;
    commands.push({ cmd: "element.updateModdleProperties", context: { element: element, moddleElement: bo, properties: { extensionElements: ext } } });
  }
  var found = (ext.get("values") || []).filter(function (v) { return v.$type === type; })[0];
  if (!found) {
    found = bpmnFactory.create(type);
    found.$parent = ext;
    commands.push({ cmd: "element.updateModdleProperties", context: { element: element, moddleElement: ext, properties: { values: (ext.get("values") || []).concat([found]) } } });
  }
  return found;
}

export function propertyValue(bo, name) {
  var props = extension(bo, "spiffworkflow:Properties");
  var p = props && (props.get("properties") || []).filter(function (x) { return x.name === name; })[0];
  return p ? p.value : undefined;
}

function setPropertyValue(element, name, value, injector, target) {
  var bo = target || getBusinessObject(element), bpmnFactory = injector.get("bpmnFactory"), commandStack = injector.get("commandStack");
  var commands = [];
  var props = ensureExtension(element, bo, "spiffworkflow:Properties", bpmnFactory, commands);
  var list = (props.get("properties") || []).slice();
  var existing = list.filter(function (x) { return x.name === name; })[0];
  if (!value) {
    if (existing) commands.push({ cmd: "element.updateModdleProperties", context: { element: element, moddleElement: props, properties: { properties: list.filter(function (x) { return x !== existing; }) } } });
  } else if (existing) {
    commands.push({ cmd: "element.updateModdleProperties", context: { element: element, moddleElement: existing, properties: { value: value } } });
  } else {
    var created = bpmnFactory.create("spiffworkflow:Property", { name: name, value: value });
    created.$parent = props;
    commands.push({ cmd: "element.updateModdleProperties", context: { element: element, moddleElement: props, properties: { properties: list.concat([created]) } } });
  }
  if (commands.length) commandStack.execute("properties-panel.multi-command-executor", commands);
}

function operatorOf(bo) { return extension(bo, "spiffworkflow:ServiceTaskOperator"); }

export function operatorParameters(bo) {
  var op = operatorOf(bo);
  var list = op && op.get("parameterList");
  return list ? (list.get("parameters") || []) : [];
}

function setOperator(element, patch, injector) {
  var bo = getBusinessObject(element), bpmnFactory = injector.get("bpmnFactory");
  var commands = [];
  var op = ensureExtension(element, bo, "spiffworkflow:ServiceTaskOperator", bpmnFactory, commands);
  commands.push({ cmd: "element.updateModdleProperties", context: { element: element, moddleElement: op, properties: patch } });
  injector.get("commandStack").execute("properties-panel.multi-command-executor", commands);
}

function setParameter(element, spec, value, injector) {
  var bo = getBusinessObject(element), bpmnFactory = injector.get("bpmnFactory"), commandStack = injector.get("commandStack");
  var commands = [];
  var op = ensureExtension(element, bo, "spiffworkflow:ServiceTaskOperator", bpmnFactory, commands);
  var list = op.get("parameterList");
  if (!list) {
    list = bpmnFactory.create("spiffworkflow:Parameters", { parameters: [] });
    list.$parent = op;
    commands.push({ cmd: "element.updateModdleProperties", context: { element: element, moddleElement: op, properties: { parameterList: list } } });
  }
  var params = (list.get("parameters") || []).slice();
  var existing = params.filter(function (p) { return p.id === spec.name; })[0];
  if (!value) {
    if (existing) commands.push({ cmd: "element.updateModdleProperties", context: { element: element, moddleElement: list, properties: { parameters: params.filter(function (p) { return p !== existing; }) } } });
  } else if (existing) {
    commands.push({ cmd: "element.updateModdleProperties", context: { element: element, moddleElement: existing, properties: { value: value } } });
  } else {
    var created = bpmnFactory.create("spiffworkflow:Parameter", { id: spec.name, type: spec.type || "str", value: value });
    created.$parent = list;
    commands.push({ cmd: "element.updateModdleProperties", context: { element: element, moddleElement: list, properties: { parameters: params.concat([created]) } } });
  }
  if (commands.length) commandStack.execute("properties-panel.multi-command-executor", commands);
}

// --- entries -----------------------------------------------------------------------------------
function entry(id, element, render) {
  return { id: id, element: element, component: render, isEdited: function () { return true; } };
}

function textField(injector, element, id, label, get, set, description, validate) {
  return entry(id, element, function () {
    return createElement(TextFieldEntry, { element: element, id: id, label: label, description: description,
      getValue: get, setValue: set, debounce: injector.get("debounceInput"), validate: validate });
  });
}

// The inbox reads `priority` as written (not an expression): a level or a number.
export function priorityProblem(value, t) {
  if (!value || /^(urgent|high|normal|low)$/.test(value) || /^-?\d+(\.\d+)?$/.test(value)) return null;
  return (t || String)("优先级只能是 urgent、high、normal、low 或一个数字。");
}

function textArea(injector, element, id, label, get, set, description) {
  return entry(id, element, function () {
    return createElement(TextAreaEntry, { element: element, id: id, label: label, description: description, rows: 4, monospace: true,
      getValue: get, setValue: set, debounce: injector.get("debounceInput") });
  });
}

function select(element, id, label, get, set, options, description) {
  return entry(id, element, function () {
    return createElement(SelectEntry, { element: element, id: id, label: label, getValue: get, setValue: set,
      description: description, getOptions: function () { return options; } });
  });
}

// "Open in the form editor" under the form selects (the editor of the deployed version's form).
function formLink(catalogue, name, t) {
  if (!name || !catalogue.formEditorUrl) return undefined;
  return createElement("a", { href: catalogue.formEditorUrl.replace("__name__", encodeURIComponent(name)),
    target: "_blank", rel: "noopener", class: "sitecase-form-link" }, t("在表单编辑器中打开"));
}

function laneEntries(element, injector, catalogue) {
  var modeling = injector.get("modeling"), t = injector.get("translate");
  var options = [{ value: NONE, label: t("（请选择角色）") }].concat(catalogue.roles.map(function (r) {
    return { value: r.code, label: t("{label}（{code}）", { label: r.label, code: r.code }) };
  }));
  var current = getBusinessObject(element).name;
  if (current && !catalogue.roles.some(function (r) { return r.code === current; })) {
    options.push({ value: current, label: t("未知角色：{code}", { code: current }) });
  }
  return [select(element, "sitecase-lane-role", t("办理角色"),
    function () { return getBusinessObject(element).name || NONE; },
    function (v) { modeling.updateProperties(element, { name: v || undefined }); }, options)];
}

function userTaskEntries(element, injector, catalogue) {
  var bo = getBusinessObject(element), t = injector.get("translate");
  function prop(name) { return function () { return propertyValue(bo, name) || NONE; }; }
  function setProp(name) { return function (v) { setPropertyValue(element, name, v, injector); }; }
  var schemas = catalogue.forms.filter(function (f) { return !/\.ui\.json$/.test(f); });
  var uis = catalogue.forms.filter(function (f) { return /\.ui\.json$/.test(f); });
  function options(list, current) {
    var out = [{ value: NONE, label: t("（无）") }].concat(list.map(function (f) { return { value: f, label: f }; }));
    if (current && list.indexOf(current) < 0) out.push({ value: current, label: t("未找到：{name}", { name: current }) });
    return out;
  }
  var reviewOptions = [{ value: NONE, label: t("（无）") }];
  var process = bo.$parent;
  ((process && process.get("flowElements")) || []).forEach(function (fe) {
    if (fe.$type === "bpmn:UserTask" && fe.id !== bo.id) reviewOptions.push({ value: fe.id, label: t("{label}（{code}）", { label: fe.name || fe.id, code: fe.id }) });
  });
  return [
    select(element, "sitecase-form-schema", t("表单"), prop("formJsonSchemaFilename"), setProp("formJsonSchemaFilename"),
      options(schemas, propertyValue(bo, "formJsonSchemaFilename")), formLink(catalogue, propertyValue(bo, "formJsonSchemaFilename"), t)),
    select(element, "sitecase-form-ui", t("表单布局"), prop("formUiSchemaFilename"), setProp("formUiSchemaFilename"),
      options(uis, propertyValue(bo, "formUiSchemaFilename")), formLink(catalogue, propertyValue(bo, "formUiSchemaFilename"), t)),
    textField(injector, element, "sitecase-due-in", t("办理时限（表达式，如 'P3D'）"), prop("dueIn"), setProp("dueIn")),
    textField(injector, element, "sitecase-priority", t("优先级（urgent、high、normal、low 或数字）"), prop("priority"),
      function (v, error) { if (!error) setPropertyValue(element, "priority", v, injector); }, undefined, function (v) { return priorityProblem(v, t); }),
    textField(injector, element, "sitecase-candidate", t("指定办理人变量"), prop("candidateUserVariable"), setProp("candidateUserVariable"),
      t("任务数据中保存办理人编号的变量名；为空时由泳道角色决定。")),
    select(element, "sitecase-reviews", t("审核的任务（审核人不能是其办理人）"), prop("reviews"), setProp("reviews"), reviewOptions)
  ];
}

function serviceTaskEntries(element, injector, catalogue) {
  var bo = getBusinessObject(element), t = injector.get("translate");
  var op = operatorOf(bo);
  var name = op ? op.id : NONE;
  var known = catalogue.operators.filter(function (o) { return o.name === name; })[0];
  var options = [{ value: NONE, label: t("（请选择操作）") }].concat(catalogue.operators.map(function (o) {
    return { value: o.name, label: t("{label}（{code}）", { label: o.summary, code: o.name }) };
  }));
  if (name && !known) options.push({ value: name, label: t("未知操作：{code}", { code: name }) });
  var entries = [
    select(element, "sitecase-operator", t("操作"), function () { return name; },
      function (v) { setOperator(element, { id: v || undefined }, injector); }, options,
      name && !known ? t("该操作未在目录中登记，部署时会被拒绝。") : undefined),
    textField(injector, element, "sitecase-result-variable", t("结果变量"),
      function () { return (operatorOf(bo) || {}).resultVariable || NONE; },
      function (v) { setOperator(element, { resultVariable: v || undefined }, injector); },
      t("操作返回的结果存入该变量；为空时并入任务数据。"))
  ];
  var specs = known ? known.params.slice() : [];
  operatorParameters(bo).forEach(function (p) {
    if (!specs.some(function (s) { return s.name === p.id; })) specs.push({ name: p.id, type: p.type, help: t("该操作未声明此参数。") });
  });
  specs.forEach(function (spec) {
    entries.push(textField(injector, element, "sitecase-param-" + spec.name,
      t(spec.required ? "{name}（{type}，必填）" : "{name}（{type}）", { name: spec.name, type: spec.type || "str" }),
      function () { var p = operatorParameters(bo).filter(function (x) { return x.id === spec.name; })[0]; return p ? p.value : NONE; },
      function (v) { setParameter(element, spec, v, injector); }, spec.help));
  });
  if (known && known.free_params) {
    // Operators taking parameters of any name (a notice template's fields, username bindings):
    // name a new one here, it appears above with the value None to edit.
    entries.push(entry("sitecase-param-new", element, function () {
      return createElement(TextFieldEntry, { element: element, id: "sitecase-param-new", label: t("新增参数（参数名）"),
        description: known.free_params, getValue: function () { return NONE; }, debounce: injector.get("debounceInput"),
        validate: function (v) { return !v || /^[A-Za-z][A-Za-z0-9_]*$/.test(v) ? null : t("参数名只能由字母、数字和下划线组成，且以字母开头。"); },
        setValue: function (v, error) {
          if (!v || error || operatorParameters(bo).some(function (p) { return p.id === v; })) return;
          setParameter(element, { name: v, type: "any" }, "None", injector);
        } });
    }));
  }
  return entries;
}

function scriptEntries(element, injector) {
  var modeling = injector.get("modeling");
  return [textArea(injector, element, "sitecase-script", injector.get("translate")("脚本（Python 沙箱）"),
    function () { return getBusinessObject(element).script || NONE; },
    function (v) { modeling.updateProperties(element, { script: v || undefined }); })];
}

function conditionEntries(element, injector) {
  var modeling = injector.get("modeling"), bpmnFactory = injector.get("bpmnFactory");
  var bo = getBusinessObject(element), t = injector.get("translate");
  return [textArea(injector, element, "sitecase-condition", t("流转条件（表达式）"),
    function () { return (bo.conditionExpression && bo.conditionExpression.body) || NONE; },
    function (v) {
      modeling.updateProperties(element, { conditionExpression: v ? bpmnFactory.create("bpmn:FormalExpression", { body: v }) : undefined });
    }, t("为空表示无条件（排他网关的默认分支除外）。"))];
}

function messageEntries(element, injector, definition) {
  var bpmnFactory = injector.get("bpmnFactory"), commandStack = injector.get("commandStack");
  function current() { var v = extension(definition, "spiffworkflow:MessageVariable"); return v ? v.value : NONE; }
  return [textField(injector, element, "sitecase-message-variable", injector.get("translate")("消息内容存入变量"), current, function (v) {
    var commands = [];
    var target = ensureExtension(element, definition, "spiffworkflow:MessageVariable", bpmnFactory, commands);
    commands.push({ cmd: "element.updateModdleProperties", context: { element: element, moddleElement: target, properties: { value: v || undefined } } });
    commandStack.execute("properties-panel.multi-command-executor", commands);
  })];
}

function multiInstanceEntries(element, injector) {
  var bo = getBusinessObject(element), moddle = injector.get("moddle"), bpmnFactory = injector.get("bpmnFactory");
  var commandStack = injector.get("commandStack"), t = injector.get("translate");
  var loop = bo.loopCharacteristics;
  function refValue(prop) { return function () { var r = loop.get(prop); return r ? r.id : NONE; }; }
  function setRef(prop) {
    return function (v) {
      commandStack.execute("element.updateModdleProperties", { element: element, moddleElement: loop,
        properties: (function () { var o = {}; o[prop] = v ? variableRef(moddle, v) : undefined; return o; })() });
    };
  }
  function itemValue(prop) { return function () { var d = loop.get(prop); return d ? (d.name || d.id) : NONE; }; }
  function setItem(prop) {
    return function (v) {
      var o = {};
      o[prop] = v ? bpmnFactory.create("bpmn:DataInput", { id: v, name: v }) : undefined;
      if (v && prop === "outputDataItem") o[prop] = bpmnFactory.create("bpmn:DataOutput", { id: v, name: v });
      commandStack.execute("element.updateModdleProperties", { element: element, moddleElement: loop, properties: o });
    };
  }
  return [
    textField(injector, element, "sitecase-mi-collection", t("集合变量（每项一个实例）"), refValue("loopDataInputRef"), setRef("loopDataInputRef")),
    textField(injector, element, "sitecase-mi-item", t("元素变量"), itemValue("inputDataItem"), setItem("inputDataItem")),
    textField(injector, element, "sitecase-mi-output", t("结果集合变量"), refValue("loopDataOutputRef"), setRef("loopDataOutputRef")),
    textField(injector, element, "sitecase-mi-output-item", t("结果元素变量"), itemValue("outputDataItem"), setItem("outputDataItem"))
  ];
}

function callActivityEntries(element, injector, catalogue) {
  var modeling = injector.get("modeling"), t = injector.get("translate");
  var current = getBusinessObject(element).calledElement;
  var options = [{ value: NONE, label: t("（请选择流程）") }].concat((catalogue.processes || []).map(function (k) { return { value: k, label: k }; }));
  if (current && (catalogue.processes || []).indexOf(current) < 0) options.push({ value: current, label: t("未部署：{code}", { code: current }) });
  return [select(element, "sitecase-called-process", t("调用的流程（已部署的流程编号）"),
    function () { return getBusinessObject(element).calledElement || NONE; },
    function (v) { modeling.updateProperties(element, { calledElement: v || undefined }); }, options)];
}

// The process's start rules (processes/EXTENSIONS.md): on the process, or on its pool.
export function processOf(element) {
  var bo = getBusinessObject(element);
  return is(element, "bpmn:Participant") ? bo.processRef : bo;
}

function startRuleEntries(element, injector, catalogue) {
  var bo = processOf(element), t = injector.get("translate");
  if (!bo) return [];
  function prop(name) { return function () { return propertyValue(bo, name) || NONE; }; }
  function setProp(name) { return function (v) { setPropertyValue(element, name, v, injector, bo); }; }
  var subjects = catalogue.subjects || [];
  var subject = subjects.filter(function (s) { return s.code === propertyValue(bo, "startSubject"); })[0];
  var subjectOptions = [{ value: NONE, label: t("（不限：任何人可按泳道发起）") }].concat(subjects.map(function (s) {
    return { value: s.code, label: t("{label}（{code}）", { label: s.label, code: s.code }) };
  }));
  var flag = function (yes, no) { return [{ value: NONE, label: t("（缺省）") }, { value: "true", label: t(yes) }, { value: "false", label: t(no) }]; };
  var entries = [select(element, "sitecase-start-subject", t("发起对象"), prop("startSubject"), setProp("startSubject"), subjectOptions)];
  if (!subject) return entries;
  var roles = (catalogue.roles || []).filter(function (r) { return (catalogue.projectRoles || []).indexOf(r.code) >= 0; });
  return entries.concat([
    textField(injector, element, "sitecase-start-statuses", t("可发起的状态（逗号分隔）"), prop("startStatuses"), setProp("startStatuses"),
      t("可用：{list}", { list: subject.statuses.map(function (s) { return s.label + " " + s.code; }).join(t("，")) })),
    textField(injector, element, "sitecase-start-roles", t("可发起的项目角色（逗号分隔）"), prop("startRoles"), setProp("startRoles"),
      t("可用：{list}", { list: roles.map(function (r) { return r.label + " " + r.code; }).join(t("，")) })),
    select(element, "sitecase-start-single", t("同一对象同时只能有一个进行中的案件"), prop("startSingle"), setProp("startSingle"),
      flag("是（缺省）", "否：可同时发起多个")),
    select(element, "sitecase-subject-terminating", t("本流程终结该对象（其表单在对象终止后仍可办理）"), prop("subjectTerminating"),
      setProp("subjectTerminating"), flag("是", "否（缺省）"))
  ]);
}

function group(id, label, entries) {
  return entries.length ? { id: id, label: label, component: Group, entries: entries } : null;
}

export function SiteCaseProvider(propertiesPanel, injector, config) {
  this._injector = injector;
  this._catalogue = config || { roles: [], forms: [], operators: [] };
  propertiesPanel.registerProvider(400, this);
}
SiteCaseProvider.$inject = ["propertiesPanel", "injector", "config.sitecaseCatalogue"];

SiteCaseProvider.prototype.getGroups = function (element) {
  var injector = this._injector, catalogue = this._catalogue, t = injector.get("translate");
  return function (groups) {
    var bo = getBusinessObject(element);
    var mine = [];
    if (is(element, "bpmn:Process") || is(element, "bpmn:Participant")) {
      mine.push(group("sitecase-start-rule", t("发起规则"), startRuleEntries(element, injector, catalogue)));
    }
    if (is(element, "bpmn:Lane")) mine.push(group("sitecase-lane", t("泳道与角色"), laneEntries(element, injector, catalogue)));
    if (is(element, "bpmn:UserTask")) mine.push(group("sitecase-user-task", t("表单与办理"), userTaskEntries(element, injector, catalogue)));
    if (is(element, "bpmn:ServiceTask")) mine.push(group("sitecase-operator", t("服务操作与参数"), serviceTaskEntries(element, injector, catalogue)));
    if (is(element, "bpmn:CallActivity")) mine.push(group("sitecase-call", t("调用流程"), callActivityEntries(element, injector, catalogue)));
    if (is(element, "bpmn:ScriptTask")) mine.push(group("sitecase-script", t("脚本"), scriptEntries(element, injector)));
    if (is(element, "bpmn:SequenceFlow") && bo.sourceRef && /Gateway$/.test(bo.sourceRef.$type)) {
      mine.push(group("sitecase-condition", t("流转条件"), conditionEntries(element, injector)));
    }
    var messageDef = (bo.eventDefinitions || []).filter(function (d) { return d.$type === "bpmn:MessageEventDefinition"; })[0];
    if (messageDef) mine.push(group("sitecase-message", t("消息变量"), messageEntries(element, injector, messageDef)));
    if (bo.loopCharacteristics && bo.loopCharacteristics.$type === "bpmn:MultiInstanceLoopCharacteristics") {
      mine.push(group("sitecase-multi-instance", t("多实例数据"), multiInstanceEntries(element, injector)));
    }
    var general = groups.findIndex(function (g) { return g.id === "general"; });
    var head = groups.slice(0, general + 1), tail = groups.slice(general + 1);
    return head.concat(mine.filter(Boolean), tail);
  };
};

export default {
  __init__: ["sitecaseProvider"],
  sitecaseProvider: ["type", SiteCaseProvider]
};
