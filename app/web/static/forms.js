// Rendered forms: add/remove rows of arrays, and file uploads with progress and speed (XHR).
(function () {
  "use strict";
  var MAX_BYTES = 20 * 1024 * 1024;
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  // the page's texts in its language (templates/_form_fields.html), Chinese when a page has none
  var texts = {too_big: "文件「{name}」超过 20 MB，不能上传。", wrong_type: "文件「{name}」的类型不允许。",
    progress: "正在上传 {name}：{pct}%，{speed}/s", done: "已上传 {name}（{size}，平均 {speed}/s）",
    remove: "移除", failed: "上传失败（{status}）", network: "网络错误，上传失败。"};
  var given = document.getElementById("form-texts");
  if (given) { try { texts = Object.assign(texts, JSON.parse(given.textContent)); } catch (e) { /* keep Chinese */ } }
  function say(key, values) {
    return texts[key].replace(/\{(\w+)\}/g, function (m, k) { return values && k in values ? values[k] : m; });
  }

  var seq = 1000;  // server-rendered rows use 0..n-1; the server compacts the indexes
  function nextIndex() { seq += 1; return seq; }

  document.addEventListener("click", function (ev) {
    var t = ev.target;
    if (t.classList.contains("add-row")) {
      var box = t.closest("fieldset.rows");
      var list = box.querySelector(":scope > ol.row-list");
      // only this level's placeholder: the blank rows of nested lists keep theirs for their own adds
      var html = box.querySelector(":scope > template").innerHTML.split(box.dataset.placeholder).join(String(nextIndex()));
      list.insertAdjacentHTML("beforeend", html);
    } else if (t.classList.contains("remove-row")) {
      t.closest("li.row").remove();
    } else if (t.classList.contains("remove-file")) {
      t.closest("li").remove();
    } else if (t.closest(".lookup-options li[data-code]")) {
      pick(t.closest(".lookup"), t.closest("li[data-code]"));
    }
    document.querySelectorAll(".lookup-options:not([hidden])").forEach(function (list) {
      if (!list.closest(".lookup").contains(t)) close(list.closest(".lookup"));
    });
  });

  // Library pickers (kind "lookup"): the entries of data-source, searched by code or words.
  var libraries = {};
  function entries(source) {
    if (!libraries[source]) {
      libraries[source] = fetch(source, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
        .then(function (body) { return body.data || []; });
      libraries[source].catch(function () { delete libraries[source]; });
    }
    return libraries[source];
  }
  function close(box) {
    box.querySelector(".lookup-options").hidden = true;
    box.querySelector("input").setAttribute("aria-expanded", "false");
  }
  function pick(box, li) {
    box.querySelector("input").value = li.dataset.code;
    box.querySelector(".lookup-title").textContent = li.dataset.title;
    close(box);
  }
  function matches(entry, words) {
    var hay = (entry.code + " " + entry.title + " " + (entry.text || "")).toLowerCase();
    return words.every(function (w) { return hay.indexOf(w) >= 0; });
  }
  function search(box) {
    var input = box.querySelector("input");
    var list = box.querySelector(".lookup-options");
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    entries(box.dataset.source).then(function (all) {
      var exact = all.filter(function (e) { return e.code === input.value.trim(); })[0];
      box.querySelector(".lookup-title").textContent = exact ? exact.title : "";
      list.innerHTML = "";
      all.filter(function (e) { return matches(e, words); }).slice(0, 12).forEach(function (e) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.dataset.code = e.code; li.dataset.title = e.title;
        var code = document.createElement("strong"); code.textContent = e.code;
        li.appendChild(code); li.appendChild(document.createTextNode(" " + e.title));
        list.appendChild(li);
      });
      if (!list.children.length) {
        var none = document.createElement("li"); none.className = "none"; none.textContent = box.dataset.none;
        list.appendChild(none);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }, function () {
      box.querySelector(".lookup-title").textContent = box.dataset.failed;
    });
  }
  document.addEventListener("input", function (ev) {
    var box = ev.target.closest && ev.target.closest(".lookup");
    if (box) search(box);
  });
  document.addEventListener("focusin", function (ev) {
    var box = ev.target.closest && ev.target.closest(".lookup");
    if (box && ev.target.tagName === "INPUT") search(box);
  });
  document.addEventListener("keydown", function (ev) {
    var box = ev.target.closest && ev.target.closest(".lookup");
    if (box && ev.key === "Escape") close(box);
  });
  // a saved code shows its title again
  document.querySelectorAll(".lookup").forEach(function (box) {
    var input = box.querySelector("input");
    if (!input.value) return;
    entries(box.dataset.source).then(function (all) {
      var exact = all.filter(function (e) { return e.code === input.value.trim(); })[0];
      if (exact) box.querySelector(".lookup-title").textContent = exact.title;
    }, function () {});
  });

  function accepted(file, accept) {
    if (!accept) return true;
    var name = file.name.toLowerCase();
    return accept.split(",").some(function (rule) {
      rule = rule.trim().toLowerCase();
      if (rule.endsWith("/*")) return file.type.startsWith(rule.slice(0, -1));
      if (rule.startsWith(".")) return name.endsWith(rule);
      return file.type === rule;
    });
  }

  function human(bytes) {
    if (bytes >= 1048576) return (bytes / 1048576).toFixed(1) + " MB";
    return Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  function upload(box, file) {
    var status = box.querySelector(".upload-status");
    var bar = box.querySelector("progress");
    var input = box.querySelector("input[type=file]");
    if (file.size > MAX_BYTES) { status.textContent = say("too_big", {name: file.name}); status.className = "upload-status error"; return; }
    if (!accepted(file, input.getAttribute("accept"))) { status.textContent = say("wrong_type", {name: file.name}); status.className = "upload-status error"; return; }
    var xhr = new XMLHttpRequest();
    var started = performance.now();
    var data = new FormData();
    data.append("file", file);
    bar.hidden = false; bar.value = 0; status.className = "upload-status";
    xhr.upload.onprogress = function (e) {
      if (!e.lengthComputable) return;
      var secs = Math.max((performance.now() - started) / 1000, 0.001);
      bar.value = Math.round(e.loaded * 100 / e.total);
      status.textContent = say("progress", {name: file.name, pct: bar.value, speed: human(e.loaded / secs)});
    };
    xhr.onload = function () {
      var body = {};
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = {}; }
      if (xhr.status === 201) {
        var secs = Math.max((performance.now() - started) / 1000, 0.001);
        bar.value = 100;
        status.textContent = say("done", {name: file.name, size: human(file.size), speed: human(file.size / secs)});
        var list = box.querySelector("ul.uploaded");
        if (box.dataset.multiple !== "true") list.innerHTML = "";
        var li = document.createElement("li");
        li.innerHTML = '<input type="hidden"> <span></span> <button type="button" class="link remove-file"></button>';
        li.querySelector("button").textContent = say("remove");
        li.querySelector("input").name = box.dataset.name;
        li.querySelector("input").value = body.data.id;
        li.querySelector("span").textContent = body.data.filename + "（" + human(body.data.size) + "）";
        list.appendChild(li);
      } else {
        status.className = "upload-status error";
        status.textContent = (body.error && body.error.message) || say("failed", {status: xhr.status});
      }
    };
    xhr.onerror = function () { status.className = "upload-status error"; status.textContent = say("network"); };
    xhr.open("POST", box.dataset.url);
    xhr.setRequestHeader("X-CSRFToken", csrf);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.send(data);
  }

  document.addEventListener("change", function (ev) {
    var input = ev.target;
    if (input.type !== "file" || !input.closest(".upload")) return;
    var box = input.closest(".upload");
    Array.prototype.forEach.call(input.files, function (f) { upload(box, f); });
    input.value = "";
  });
})();
