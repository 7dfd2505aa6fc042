/* The workspace's behaviour on every page (base.html loads it, deferred). It lives here, not in
   inline <script> or on* attributes, so the Content-Security-Policy can refuse all inline script;
   for the same reason htmx runs with allowEval off, and what hx-on did is done by listeners below. */
(function () {
  "use strict";

  // A form sent back with errors: its summary takes the focus (read out at once), and each of
  // its links puts the focus in the field it names, not only the scroll position.
  (function () {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      var label = document.querySelector("label[for='" + field.id + "']");
      (label || field).scrollIntoView({block: "center"});
      field.focus({preventScroll: true});
    });
  })();

  // --- signed-in pages (the top bar is there) ---
  if (document.querySelector("[data-testid=topbar]")) {
    // The user menu is a <details>: close it on a click elsewhere or on Escape.
    document.addEventListener("click", function (event) {
      document.querySelectorAll("details.usermenu[open]").forEach(function (menu) {
        if (!menu.contains(event.target)) menu.removeAttribute("open");
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") document.querySelectorAll("details.usermenu[open]").forEach(function (menu) { menu.removeAttribute("open"); });
    });
    // Phones: the top bar's links fold behind the Menu button (the "js" class on <html> folds
    // them; without script they simply stay open). Escape closes the menu and returns focus.
    (function () {
      var toggle = document.querySelector(".menu-toggle");
      var menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
      if (!menu) return;
      function setOpen(open) {
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
        menu.classList.toggle("is-open", open);
      }
      toggle.addEventListener("click", function () { setOpen(toggle.getAttribute("aria-expanded") !== "true"); });
      document.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") { setOpen(false); toggle.focus(); }
      });
    })();
    // Queue tabs scroll sideways on narrow screens: bring the current one into view. Their counts
    // arrive later and replace the bar (staff/queues/_tabs.html): it keeps its scroll position.
    (function () {
      function showCurrent(nav) {
        var current = nav && nav.querySelector("[aria-current=page]");
        if (current && nav.scrollWidth > nav.clientWidth) {
          nav.scrollLeft = current.offsetLeft - nav.offsetLeft - 16;
        }
      }
      showCurrent(document.querySelector(".queuenav"));
      // The first counts widen the tabs: show the current one again. A later refresh keeps
      // wherever the user has scrolled the bar to.
      var kept = null, counted = false;
      document.body.addEventListener("htmx:beforeSwap", function (event) {
        var target = event.detail.target;
        if (target && target.classList.contains("queuenav")) kept = target.scrollLeft;
      });
      document.body.addEventListener("htmx:afterSettle", function () {
        if (kept === null) return;
        var nav = document.querySelector(".queuenav");
        if (nav && counted) nav.scrollLeft = kept;
        else showCurrent(nav);
        kept = null;
        counted = true;
      });
    })();
  }

  // <button data-print>: print the page (reports, snapshots).
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });

  // Intake, a known customer found (staff/intake/_customer_lookup.html): "Use this name".
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-use-customer]");
    if (!button || !button.form) return;
    var fields = button.form.elements;
    fields.customer_name.value = button.dataset.name;
    if (!fields.customer_region.value) fields.customer_region.value = button.dataset.region;
  });

  // <button data-insert-text data-insert-into="id">: put a prepared sentence (a signing text, seed
  // 004 §三.13) into the text box at the cursor; "{amount}" becomes the amount typed in the field
  // named by data-amount-from (as the server writes it: 1,234.00), else a blank "____".
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-insert-text]");
    if (!button) return;
    var box = document.getElementById(button.getAttribute("data-insert-into"));
    if (!box) return;
    var amountField = document.getElementById(button.getAttribute("data-amount-from") || "");
    var amount = amountField && amountField.value.trim() !== "" ? Number(amountField.value) : NaN;
    var shown = isNaN(amount) ? "____" : amount.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    insertAtCursor(box, button.getAttribute("data-insert-text").split("{amount}").join(shown));
  });

  // <select data-canned-into="id">: a canned reply (标准答复, staff/case forms) picked puts its
  // text, already filled in for the case by the server (the option's data-text), at the cursor.
  // The select keeps its value: the form says which canned reply the text was started from.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-canned-into]")) return;
    var option = select.options[select.selectedIndex];
    var box = document.getElementById(select.getAttribute("data-canned-into"));
    if (!box || !option || !option.hasAttribute("data-text")) return;
    insertAtCursor(box, option.getAttribute("data-text"));
  });

  function insertAtCursor(box, text) {
    var start = box.selectionStart, end = box.selectionEnd;
    if (typeof start !== "number") { start = end = box.value.length; }
    var before = box.value.slice(0, start), after = box.value.slice(end);
    var sep = before && !/\s$/.test(before) ? "\n" : "";
    box.value = before + sep + text + after;
    var caret = (before + sep + text).length;
    box.focus();
    box.setSelectionRange(caret, caret);
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // A note added (staff/case/_note_form.html, data-reset-after-note): the timeline came back, so
  // the form is emptied; a refused note keeps its text.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form || !form.matches || !form.matches("[data-reset-after-note]")) return;
    if (event.detail.successful && event.detail.target && event.detail.target.id === "timeline") form.reset();
  });

  // A folded action whose panel is refused (data-follow-on-error; staff/case/_opener.html): the case
  // moved on meanwhile, so its link is followed and the page shows the case as it is now.
  document.addEventListener("htmx:responseError", function (event) {
    var opener = event.detail.elt;
    if (opener && opener.matches && opener.matches("[data-follow-on-error]")) window.location.href = opener.href;
  });
})();
