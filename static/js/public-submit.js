// The customers' complaint form: a preview of the chosen files before sending, a warning when
// they are too many or too large (the server checks again), and one send per click.
(function () {
  "use strict";
  var form = document.getElementById("submit-form");
  if (!form) return;
  var input = form.querySelector("input[type=file]");
  var list = document.getElementById("file-previews");
  var warning = document.getElementById("file-warning");
  var maxFiles = parseInt(form.dataset.maxFiles, 10);
  var maxFileBytes = parseInt(form.dataset.maxFileBytes, 10);
  var maxRequestBytes = parseInt(form.dataset.maxRequestBytes, 10);
  var urls = [];

  function size(bytes) {
    if (bytes < 1024 * 1024) return Math.max(1, Math.round(bytes / 1024)) + " KB";
    return (bytes / (1024 * 1024)).toFixed(1) + " MB";
  }

  function preview(file) {
    var item = document.createElement("li");
    item.className = "file-preview";
    item.setAttribute("data-testid", "file-preview");
    var media;
    if (/^image\//.test(file.type)) {
      media = document.createElement("img");
      media.alt = "";
    } else if (/^video\//.test(file.type)) {
      media = document.createElement("video");
      media.muted = true;
      media.preload = "metadata";
      media.controls = true;
    }
    if (media) {
      var url = URL.createObjectURL(file);
      urls.push(url);
      media.src = url;
      media.className = "file-preview-media";
    } else {
      media = document.createElement("span");
      media.className = "file-preview-media file-preview-doc";
      media.setAttribute("aria-hidden", "true");
      media.textContent = (file.name.split(".").pop() || "").slice(0, 4).toUpperCase();
    }
    item.appendChild(media);
    var text = document.createElement("span");
    text.className = "file-preview-name";
    text.textContent = file.name + " · " + size(file.size);  // textContent: never markup
    item.appendChild(text);
    if (file.size > maxFileBytes) {
      item.classList.add("is-refused");
      var note = document.createElement("span");
      note.className = "errorlist";
      note.textContent = form.dataset.msgFileTooBig;
      item.appendChild(note);
    }
    return item;
  }

  function show() {
    urls.forEach(function (url) { URL.revokeObjectURL(url); });
    urls = [];
    list.textContent = "";
    var files = Array.prototype.slice.call(input.files || []);
    var total = 0;
    files.forEach(function (file) {
      total += file.size;
      list.appendChild(preview(file));
    });
    var problems = [];
    if (files.length > maxFiles) problems.push(form.dataset.msgTooMany);
    if (total > maxRequestBytes) problems.push(form.dataset.msgTotalTooBig);
    warning.textContent = problems.join(" ");
    warning.hidden = problems.length === 0;
  }

  if (input && list) input.addEventListener("change", show);

  var sending = false;
  var button = form.querySelector("[type=submit]");
  var label = button ? button.textContent : "";
  form.addEventListener("submit", function (event) {
    // A second click while the first send is on its way does nothing (the server would answer
    // it with the same complaint anyway).
    if (sending) {
      event.preventDefault();
      return;
    }
    sending = true;
    if (button) {
      button.setAttribute("aria-disabled", "true");
      button.textContent = form.dataset.msgSending;
    }
  });
  // Back from the receipt page (bfcache): the form is usable again.
  window.addEventListener("pageshow", function () {
    sending = false;
    if (button) {
      button.removeAttribute("aria-disabled");
      button.textContent = label;
    }
  });
})();
