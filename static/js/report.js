/* The report page (reports/report.html). */
// Show only the fields of the chosen kind of period (without JavaScript all stay, with the hint).
(function () {
  var kind = document.querySelector("#id_period");
  if (!kind) return;
  var help = document.querySelector("[data-period-help]");
  if (help) help.hidden = true;
  function show() {
    document.querySelectorAll("[data-period-for]").forEach(function (box) {
      box.hidden = box.dataset.periodFor.split(" ").indexOf(kind.value || "month") < 0;
    });
  }
  kind.addEventListener("change", show);
  show();
  // On a phone the report matters more than the form: folded until asked for (kept open when
  // it has something to fix).
  var details = document.querySelector("[data-report-form]");
  if (details && window.matchMedia("(max-width: 760px)").matches && !document.querySelector(".report-form .has-error")) {
    details.open = false;
  }
})();
