/* Print buttons of the A4 print pages (houqin/print.html): a button, not an inline onclick,
   so the pages keep a Content-Security-Policy without 'unsafe-inline'. */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll(".hq-print-button"), function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
}());
