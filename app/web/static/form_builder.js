// The form builder of the designer's form page: a list of fields (add, reorder, type, label,
// required, options, widget, help, read-only display) that writes the same JSON Schema and UI
// schema as the raw JSON below it (both stay editable; a change there re-reads the list). Keys the
// builder does not manage (minLength, patterns, nested objects…) are kept as they were. Each text
// has its English beside it (label, help, option names), written to the UI schema's "ui:en" map;
// texts still without English are listed (the designer refuses to deploy such a form).
(function () {
  "use strict";
  var list = document.getElementById("field-list");
  var schemaArea = document.getElementById("form-json");
  var uiArea = document.getElementById("form-ui-json");
  var rowTemplate = document.getElementById("field-row");
  if (!list || !schemaArea || !uiArea || !rowTemplate) return;
  var words = JSON.parse(document.getElementById("builder-words").textContent);
  var problems = document.getElementById("builder-problems");
  var NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
  var schema = {}, ui = {}, fields = [];
  var CHINESE = /[\u3400-\u9fff]/;
  var TEXT_KEYS = ["title", "description", "ui:help", "ui:placeholder", "ui:title", "ui:description"];
  var VALUE_KEYS = ["enum", "const", "default", "examples", "pattern", "ui:en"];

  // The Chinese texts a form shows people (app/formdefs/english.py `texts`).
  function texts(node, found) {
    if (Array.isArray(node)) { node.forEach(function (n) { texts(n, found); }); return found; }
    if (!node || typeof node !== "object") return found;
    Object.keys(node).forEach(function (k) {
      var v = node[k];
      if (TEXT_KEYS.indexOf(k) >= 0 && typeof v === "string") { if (CHINESE.test(v)) found[v] = true; }
      else if (k === "ui:enumNames" && Array.isArray(v)) v.forEach(function (t) { if (typeof t === "string" && CHINESE.test(t)) found[t] = true; });
      else if (VALUE_KEYS.indexOf(k) < 0) texts(v, found);
    });
    return found;
  }

  function clone(v) { return v === undefined ? undefined : JSON.parse(JSON.stringify(v)); }
  function fill(t, values) { return String(t).replace(/{([a-z]+)}/g, function (_, k) { return values[k] || ""; }); }

  function kindOf(prop) {
    if (prop.type === "integer" && prop.format === "attachment") return "attachment";
    if (prop.type === "array" && prop.items && prop.items.format === "attachment") return "attachments";
    if (prop.type === "string" && Array.isArray(prop.enum)) return "choice";
    if (prop.type === "string" && prop.format === "date") return "date";
    if (prop.type === "string" && prop.format === "date-time") return "datetime";
    if (prop.type === "string" && !prop.format && !prop.oneOf) return "text";
    if (["number", "integer", "boolean"].indexOf(prop.type) >= 0 && !prop.enum) return prop.type;
    return "complex";
  }

  // --- JSON → fields ------------------------------------------------------------------------------
  function read() {
    var s, u;
    try {
      s = JSON.parse(schemaArea.value || "{}");
      u = uiArea.value.trim() ? JSON.parse(uiArea.value) : {};
      if (!s || typeof s !== "object" || Array.isArray(s) || !u || typeof u !== "object" || Array.isArray(u)) throw new Error("{}");
    } catch (err) {
      say([fill(words.json_invalid, { error: err.message })]);
      return;
    }
    schema = s; ui = u;
    var props = schema.properties || {}, required = schema.required || [];
    var order = (ui["ui:order"] || []).filter(function (k) { return k !== "*" && props[k]; });
    Object.keys(props).forEach(function (k) { if (order.indexOf(k) < 0) order.push(k); });
    var en = ui["ui:en"] && typeof ui["ui:en"] === "object" ? ui["ui:en"] : {};
    fields = order.map(function (key) {
      var prop = props[key] || {}, own = ui[key] || {}, kind = kindOf(prop);
      var names = own["ui:enumNames"] || prop.enumNames || [];
      return { name: key, label: prop.title || "", labelEn: en[prop.title] || "", type: kind, origType: kind,
        required: required.indexOf(key) >= 0, readonly: !!prop.readOnly, widget: own["ui:widget"] || "",
        help: prop.description || "", helpEn: en[prop.description] || "",
        options: (prop.enum || []).map(function (v, i) {
          var shown = names[i] || String(v), line = shown !== String(v) ? v + "=" + shown : String(v);
          return en[shown] ? line + (shown !== String(v) ? "" : "=" + shown) + "=" + en[shown] : line;
        }).join("\n"),
        prop: prop, ui: own };
    });
    draw();
    say(englishMissing());
  }

  // Texts of the form still without English, said under the list.
  function englishMissing() {
    var en = ui["ui:en"] && typeof ui["ui:en"] === "object" ? ui["ui:en"] : {};
    var lacking = Object.keys(texts(ui, texts(schema, {}))).filter(function (t) { return !en[t]; });
    return lacking.length ? [fill(words.english_missing, { texts: lacking.join(words.list_separator) })] : [];
  }

  // --- fields → JSON ------------------------------------------------------------------------------
  function options(field) {
    return field.options.split("\n").map(function (l) { return l.trim(); }).filter(Boolean).map(function (line) {
      // value, value=shown text, or value=shown text=English
      var parts = line.split("=").map(function (p) { return p.trim(); });
      return [parts[0], parts[1] || parts[0], parts.slice(2).join("=")];
    });
  }

  function propOf(field) {
    if (field.type === "complex") return Object.assign(clone(field.prop) || {}, field.label ? { title: field.label } : {});
    var prop = field.type === field.origType ? clone(field.prop) || {} : {};
    ["type", "format", "enum", "items", "enumNames"].forEach(function (k) { delete prop[k]; });
    var shape = { text: { type: "string" }, number: { type: "number" }, integer: { type: "integer" }, boolean: { type: "boolean" },
      date: { type: "string", format: "date" }, datetime: { type: "string", format: "date-time" }, choice: { type: "string" },
      attachment: { type: "integer", format: "attachment" },
      attachments: { type: "array", items: { type: "integer", format: "attachment" } } }[field.type];
    Object.assign(prop, shape);
    if (field.type === "choice") prop.enum = options(field).map(function (o) { return o[0]; });
    if (field.label) prop.title = field.label; else delete prop.title;
    if (field.help) prop.description = field.help; else delete prop.description;
    if (field.readonly) prop.readOnly = true; else delete prop.readOnly;
    return prop;
  }

  function uiOf(field) {
    var own = Object.assign({}, field.ui);
    if (field.widget) own["ui:widget"] = field.widget; else delete own["ui:widget"];
    delete own["ui:enumNames"];
    if (field.type === "choice") {
      var pairs = options(field);
      if (pairs.some(function (o) { return o[0] !== o[1]; })) own["ui:enumNames"] = pairs.map(function (o) { return o[1]; });
    }
    return own;
  }

  function write() {
    var seen = {}, found = [];
    fields.forEach(function (f) {
      if (!NAME.test(f.name)) found.push(fill(words.name_invalid, { name: f.name }));
      else if (seen[f.name]) found.push(fill(words.name_twice, { name: f.name }));
      seen[f.name] = true;
    });
    say(found);
    if (found.length) return;
    var props = {}, required = [];
    fields.forEach(function (f) { props[f.name] = propOf(f); if (f.required) required.push(f.name); });
    schema.properties = props;
    if (required.length) schema.required = required; else delete schema.required;
    var next = {};
    Object.keys(ui).forEach(function (k) { if (k.indexOf("ui:") === 0) next[k] = ui[k]; });
    next["ui:order"] = fields.map(function (f) { return f.name; });
    fields.forEach(function (f) { var own = uiOf(f); if (Object.keys(own).length) next[f.name] = own; });
    next["ui:en"] = english(next);
    if (!Object.keys(next["ui:en"]).length) delete next["ui:en"];
    ui = next;
    say(englishMissing());
    schemaArea.value = JSON.stringify(schema, null, 2);
    uiArea.value = JSON.stringify(ui, null, 1);
    schemaArea.dispatchEvent(new Event("input"));  // the live preview follows
  }

  // "ui:en": the fields' English, then what the map already said of the form's other texts; only
  // texts the form still shows (an entry for a text it no longer has would be stale).
  function english(next) {
    var map = {}, old = ui["ui:en"] && typeof ui["ui:en"] === "object" ? ui["ui:en"] : {};
    var shown = texts(next, texts(schema, {}));
    fields.forEach(function (f) {
      if (f.label && f.labelEn) map[f.label] = f.labelEn;
      if (f.help && f.helpEn) map[f.help] = f.helpEn;
      if (f.type === "choice") options(f).forEach(function (o) { if (o[2]) map[o[1]] = o[2]; });
    });
    Object.keys(old).forEach(function (t) { if (!(t in map) && old[t]) map[t] = old[t]; });
    var kept = {};
    Object.keys(map).sort().forEach(function (t) { if (shown[t]) kept[t] = map[t]; });
    return kept;
  }

  function say(messages) {
    problems.hidden = !messages.length;
    problems.textContent = messages.join(" ");
  }

  // --- the list -----------------------------------------------------------------------------------
  // Rows are kept and refilled, not redrawn: the raw JSON re-reads the list when it loses focus,
  // which a click on a row's button causes; a row replaced between the button's mousedown and
  // mouseup would lose that click. Each row's handlers read the field it shows now (row.field).
  var INPUTS = [[".f-name", "name"], [".f-label", "label"], [".f-label-en", "labelEn"], [".f-type", "type"],
    [".f-required", "required", "check"], [".f-readonly", "readonly", "check"], [".f-widget", "widget"],
    [".f-help", "help"], [".f-help-en", "helpEn"], [".f-options", "options"]];

  function newRow() {
    var row = rowTemplate.content.firstElementChild.cloneNode(true);
    INPUTS.forEach(function (b) {
      var input = row.querySelector(b[0]), prop = b[1], check = b[2] === "check";
      input.addEventListener(check || input.tagName === "SELECT" ? "change" : "input", function () {
        row.field[prop] = check ? input.checked : input.value;
        if (prop === "name") row.dataset.field = input.value;
        if (prop === "type") show(row, row.field);
        write();
      });
    });
    row.querySelector(".f-up").addEventListener("click", function () { move(row.index, -1); });
    row.querySelector(".f-down").addEventListener("click", function () { move(row.index, 1); });
    row.querySelector(".f-remove").addEventListener("click", function () { fields.splice(row.index, 1); draw(); write(); });
    return row;
  }

  function draw() {
    while (list.children.length > fields.length) list.removeChild(list.lastElementChild);
    while (list.children.length < fields.length) list.appendChild(newRow());
    fields.forEach(function (field, index) {
      var row = list.children[index];
      row.field = field; row.index = index; row.dataset.field = field.name;
      INPUTS.forEach(function (b) {
        var input = row.querySelector(b[0]);
        if (b[2] === "check") input.checked = !!field[b[1]];
        else if (input.value !== String(field[b[1]])) input.value = field[b[1]];
      });
      row.querySelector(".f-up").disabled = index === 0;
      row.querySelector(".f-down").disabled = index === fields.length - 1;
      show(row, field);
    });
  }

  function show(row, field) {
    row.querySelector(".f-options-wrap").hidden = field.type !== "choice";
    var complex = field.type === "complex";
    ["f-widget", "f-readonly", "f-help", "f-help-en"].forEach(function (c) { row.querySelector("." + c).disabled = complex; });
  }

  function move(index, by) {
    var other = index + by;
    if (other < 0 || other >= fields.length) return;
    var f = fields[index]; fields[index] = fields[other]; fields[other] = f;
    draw(); write();
  }

  document.getElementById("btn-add-field").addEventListener("click", function () {
    var n = fields.length + 1;
    while (fields.some(function (f) { return f.name === "field_" + n; })) n++;
    fields.push({ name: "field_" + n, label: words.new_field, labelEn: "", type: "text", origType: "text",
      required: false, readonly: false, widget: "", help: "", helpEn: "", options: "", prop: {}, ui: {} });
    draw(); write();
    list.lastElementChild.querySelector(".f-name").focus();
  });
  schemaArea.addEventListener("change", read);
  uiArea.addEventListener("change", read);
  read();
})();
