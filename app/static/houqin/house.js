/* Small behaviours of every page, as listeners rather than inline handlers (onclick=...), so the
   pages keep a Content-Security-Policy without 'unsafe-inline':
   - .hq-print-button prints the page (the A4 print pages, houqin/print.html);
   - select.hq-autosubmit submits its form when changed (the desk's campus picker). */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll(".hq-print-button"), function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  Array.prototype.forEach.call(document.querySelectorAll("select.hq-autosubmit"), function (select) {
    select.addEventListener("change", function () { if (select.form) { select.form.submit(); } });
  });
}());
