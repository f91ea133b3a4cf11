// Process designer: the SiteCase modeler (bpmn-js, properties panel, checks as you type; bundle built by
// `make assets` from assets/designer/), validate/deploy; form JSON with live preview.
(function () {
  "use strict";
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var result = document.getElementById("designer-result");

  function show(html, ok) {
    result.className = ok ? "flash ok" : "flash error";
    result.innerHTML = html;
  }
  function esc(s) { var d = document.createElement("div"); d.textContent = String(s); return d.innerHTML; }
  // The words of the page's language (designer/_words.html), with {name} filled in.
  var wordsEl = document.getElementById("designer-words");
  var words = wordsEl ? JSON.parse(wordsEl.textContent) : {};
  function w(key, values) {
    return String(words[key] || key).replace(/{([a-z]+)}/g, function (_, k) { return values && k in values ? values[k] : ""; });
  }

  // The deployed forms of this version ride along, so a diagram change keeps its forms.
  function deployedForms() {
    var el = document.getElementById("forms-src");
    var forms = el ? JSON.parse(el.textContent) : {};
    return Object.keys(forms).map(function (n) { return { blob: new Blob([forms[n]], { type: "application/json" }), name: n }; });
  }

  // The files sent replace the deployed ones of the same name.
  function post(url, files) {
    var sent = files.map(function (f) { return f.name; });
    files = files.concat(deployedForms().filter(function (f) { return sent.indexOf(f.name) < 0; }));
    var data = new FormData();
    files.forEach(function (f) { data.append("files", f.blob, f.name); });
    return fetch(url, { method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" } })
      .then(function (r) { return r.json().then(function (body) { return { status: r.status, body: body }; }); });
  }

  function problemsHtml(fields, onElement) {
    var items = [];
    Object.keys(fields || {}).forEach(function (key) {
      var element = key.indexOf("#") >= 0 ? key.split("#")[1] : "";
      if (element && onElement) onElement(element);
      fields[key].forEach(function (m) {
        items.push("<li data-element=\"" + esc(element) + "\"><code>" + esc(key) + "</code> " + esc(m) + "</li>");
      });
    });
    return "<ul class=\"problems\">" + items.join("") + "</ul>";
  }

  function deployed(body) {
    return esc(w("deployed", { list: body.data.map(function (o) {
      return w(o.created ? "created" : "unchanged", { key: o.key, version: o.version });
    }).join(w("sep")) }));
  }

  // --- modeler page ---------------------------------------------------------------------------
  var wrap = document.querySelector(".modeler-wrap");
  if (wrap && window.SiteCaseModeler) {
    var key = wrap.dataset.key;
    // Roles, forms and process keys come with the page; the operators from the API's catalogue.
    var catalogue = Object.assign(JSON.parse(document.getElementById("catalogue-src").textContent),
      { formEditorUrl: wrap.dataset.formEditorUrl, operators: [] });
    var operatorsLoaded = fetch(wrap.dataset.operatorsUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (body) { Array.prototype.push.apply(catalogue.operators, body.data); })
      .catch(function () { show(esc(w("operators_unreadable")), false); });
    var modeler = window.SiteCaseModeler({ container: "#modeler", panel: "#properties-panel", catalogue: catalogue,
      checkUrl: wrap.dataset.checkUrl, csrf: csrf, language: document.documentElement.lang === "en" ? "en" : "zh" });
    window.sitecaseModeler = modeler;
    var marked = [];
    var deployButton = document.getElementById("btn-deploy");
    // Nothing to deploy on an empty canvas (or a diagram without shapes): the server refuses it too.
    function refreshDeployable() {
      var nodes = modeler.get("elementRegistry").filter(function (e) {
        return /(Event|Task|Gateway|SubProcess|CallActivity)$/.test(e.type);
      });
      deployButton.disabled = nodes.length === 0;
      deployButton.title = nodes.length ? "" : w("empty_canvas");
    }
    modeler.importXML(JSON.parse(document.getElementById("bpmn-src").textContent)).then(function () {
      modeler.get("canvas").zoom("fit-viewport");
      refreshDeployable();
      return operatorsLoaded;
    }).then(function () {
      wrap.dataset.ready = "true";
    }).catch(function () {
      show(esc(w("undrawable")), false);
      wrap.dataset.ready = "error";
    });
    modeler.on("commandStack.changed", refreshDeployable);

    // A problem names an element id; a process's own problems (its start rule) name the process,
    // drawn as its pool in a collaboration.
    function shapeOf(id) {
      var registry = modeler.get("elementRegistry");
      return registry.get(id) || registry.filter(function (e) {
        return e.type === "bpmn:Participant" && e.businessObject.processRef && e.businessObject.processRef.id === id;
      })[0];
    }

    function mark(ids) {
      var canvas = modeler.get("canvas"), registry = modeler.get("elementRegistry");
      marked.forEach(function (id) { if (registry.get(id)) canvas.removeMarker(id, "has-problem"); });
      marked = ids.map(shapeOf).filter(Boolean).map(function (e) { return e.id; });
      marked.forEach(function (id) { canvas.addMarker(id, "has-problem"); });
    }

    // Click a problem: its element is selected, shown and its properties opened.
    document.getElementById("designer-result").addEventListener("click", function (event) {
      var item = event.target.closest("li[data-element]");
      var shape = item && item.dataset.element ? shapeOf(item.dataset.element) : null;
      if (!shape) return;
      modeler.get("canvas").scrollToElement(shape);
      modeler.get("selection").select(shape);
    });

    function send(url) {
      return modeler.saveXML({ format: true }).then(function (out) {
        return post(url, [{ blob: new Blob([out.xml], { type: "application/xml" }), name: key + ".bpmn" }]);
      });
    }

    document.getElementById("btn-validate").addEventListener("click", function () {
      send(wrap.dataset.validateUrl).then(function (r) {
        if (r.status !== 200) { show(esc((r.body.error || {}).message || r.status), false); return; }
        var ids = r.body.data.map(function (p) { return p.element_id; }).filter(Boolean);
        mark(ids);
        if (!r.body.data.length) { show(esc(w("valid")), true); return; }
        var fields = {};
        r.body.data.forEach(function (p) { (fields[p.file + "#" + (p.element_id || "")] = fields[p.file + "#" + (p.element_id || "")] || []).push("[" + p.code + "] " + (p.line ? w("at_line", { line: p.line }) : "") + p.message); });
        show(esc(w("invalid")) + problemsHtml(fields), false);
      });
    });
    document.getElementById("btn-deploy").addEventListener("click", function () {
      send(wrap.dataset.deployUrl).then(function (r) {
        if (r.status === 201) { mark([]); show(deployed(r.body), true); return; }
        var ids = [];
        var err = r.body.error || {};
        show(esc(err.message || w("deploy_failed", { status: r.status })) + problemsHtml(err.fields, function (id) { ids.push(id); }), false);
        mark(ids);
      });
    });
  }

  // --- form editor page -------------------------------------------------------------------------
  var editor = document.querySelector(".form-editor");
  if (editor) {
    var area = document.getElementById("form-json");
    var uiArea = document.getElementById("form-ui-json");  // the schema page's own layout file (form builder)
    var preview = document.getElementById("form-preview");
    var isUi = editor.dataset.name.endsWith(".ui.json");
    var timer = null;
    function refresh() {
      var partner = JSON.parse(document.getElementById("partner-src").textContent);
      var payload = isUi ? { schema: partner, ui: area.value }
        : { schema: area.value, ui: uiArea ? (uiArea.value.trim() || "null") : partner };
      fetch(editor.dataset.previewUrl, { method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
        body: JSON.stringify(payload) })
        .then(function (r) { return r.status === 200 ? r.text().then(function (t) { preview.innerHTML = t; })
          : r.json().then(function (b) { preview.innerHTML = "<p class=\"alert\">" + esc((b.error || {}).message) + "</p>"; }); });
    }
    area.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(refresh, 300); });
    if (uiArea) uiArea.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(refresh, 300); });
    refresh();
    document.getElementById("btn-form-deploy").addEventListener("click", function () {
      var files = [{ blob: new Blob([JSON.parse(document.getElementById("bpmn-src").textContent)]), name: editor.dataset.key + ".bpmn" },
                   { blob: new Blob([area.value]), name: editor.dataset.name }];
      if (uiArea && uiArea.value.trim()) files.push({ blob: new Blob([uiArea.value]), name: editor.dataset.partnerName });
      // the version's other files (forms, the summary) ride along, as from the modeler
      var others = JSON.parse(document.getElementById("forms-src").textContent);
      Object.keys(others).forEach(function (n) {
        if (!files.some(function (f) { return f.name === n; })) files.push({ blob: new Blob([others[n]]), name: n });
      });
      post(editor.dataset.deployUrl, files).then(function (r) {
        if (r.status === 201) { show(deployed(r.body), true); return; }
        var err = r.body.error || {};
        show(esc(err.message || r.status) + problemsHtml(err.fields), false);
      });
    });
  }
})();
