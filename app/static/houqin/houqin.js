/* Houqin's page behaviours. The Content-Security-Policy refuses inline scripts and handlers
   (onclick="..."), so templates ask for these with data attributes:
     data-hq-print        a button that prints the page
     data-hq-autosubmit   a select or input whose change submits its form */
(function () {
  "use strict";
  // FAB's empty choice shows its internal value "__None" in select2: show a dash instead.
  document.querySelectorAll('option[value="__None"]').forEach(function (o) {
    if (!o.text.trim()) { o.text = "—"; }
  });
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-hq-print]");
    if (target) { event.preventDefault(); window.print(); }
  });
  document.addEventListener("change", function (event) {
    var target = event.target.closest("[data-hq-autosubmit]");
    if (target && target.form) { target.form.submit(); }
  });
})();
