// Rendered forms: add/remove rows of arrays, and file uploads with progress and speed (XHR).
(function () {
  "use strict";
  var MAX_BYTES = 20 * 1024 * 1024;
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  var seq = 1000;  // server-rendered rows use 0..n-1; the server compacts the indexes
  function nextIndex() { seq += 1; return seq; }

  document.addEventListener("click", function (ev) {
    var t = ev.target;
    if (t.classList.contains("add-row")) {
      var box = t.closest("fieldset.rows");
      var list = box.querySelector(":scope > ol.row-list");
      var html = box.querySelector(":scope > template").innerHTML.split("__i__").join(String(nextIndex()));
      list.insertAdjacentHTML("beforeend", html);
    } else if (t.classList.contains("remove-row")) {
      t.closest("li.row").remove();
    } else if (t.classList.contains("remove-file")) {
      t.closest("li").remove();
    }
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
    if (file.size > MAX_BYTES) { status.textContent = "文件「" + file.name + "」超过 20 MB，不能上传。"; status.className = "upload-status error"; return; }
    if (!accepted(file, input.getAttribute("accept"))) { status.textContent = "文件「" + file.name + "」的类型不允许。"; status.className = "upload-status error"; return; }
    var xhr = new XMLHttpRequest();
    var started = performance.now();
    var data = new FormData();
    data.append("file", file);
    bar.hidden = false; bar.value = 0; status.className = "upload-status";
    xhr.upload.onprogress = function (e) {
      if (!e.lengthComputable) return;
      var secs = Math.max((performance.now() - started) / 1000, 0.001);
      bar.value = Math.round(e.loaded * 100 / e.total);
      status.textContent = "正在上传 " + file.name + "：" + bar.value + "%，" + human(e.loaded / secs) + "/s";
    };
    xhr.onload = function () {
      var body = {};
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = {}; }
      if (xhr.status === 201) {
        var secs = Math.max((performance.now() - started) / 1000, 0.001);
        bar.value = 100;
        status.textContent = "已上传 " + file.name + "（" + human(file.size) + "，平均 " + human(file.size / secs) + "/s）";
        var list = box.querySelector("ul.uploaded");
        if (box.dataset.multiple !== "true") list.innerHTML = "";
        var li = document.createElement("li");
        li.innerHTML = '<input type="hidden"> <span></span> <button type="button" class="link remove-file">移除</button>';
        li.querySelector("input").name = box.dataset.name;
        li.querySelector("input").value = body.data.id;
        li.querySelector("span").textContent = body.data.filename + "（" + human(body.data.size) + "）";
        list.appendChild(li);
      } else {
        status.className = "upload-status error";
        status.textContent = (body.error && body.error.message) || ("上传失败（" + xhr.status + "）");
      }
    };
    xhr.onerror = function () { status.className = "upload-status error"; status.textContent = "网络错误，上传失败。"; };
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
