/* Houqin's page behaviours. The Content-Security-Policy refuses inline scripts and handlers
   (onclick="..."), so templates ask for these with data attributes (or the older classes):
     data-hq-print, .hq-print-button           a button that prints the page (houqin/print.html)
     data-hq-autosubmit, select.hq-autosubmit   a select or input whose change submits its form
     data-hq-confirm="question"                a form that asks before it is sent (a deletion) */
(function () {
  "use strict";
  // FAB's empty choice shows its internal value "__None" in select2: show a dash instead.
  document.querySelectorAll('option[value="__None"]').forEach(function (o) {
    if (!o.text.trim()) { o.text = "—"; }
  });
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-hq-print], .hq-print-button");
    if (target) { event.preventDefault(); window.print(); }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-hq-confirm]");
    if (form && !window.confirm(form.getAttribute("data-hq-confirm"))) { event.preventDefault(); }
  });
  document.addEventListener("change", function (event) {
    var target = event.target.closest("[data-hq-autosubmit], select.hq-autosubmit");
    if (target && target.form) { target.form.submit(); }
  });
})();
