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
  // Lists fit their panel (houqin.css): a plain-text cell wider than CLIP_EM becomes one
  // shortened line with its full text on hover; a cell made of parts (chips, the audit log's
  // lines) may wrap. Widths are read first and the cells changed after (one layout).
  var CLIP_EM = 10.5;  // a local date-time, a phone, a campus name stay whole
  var clip = [];
  document.querySelectorAll(".table-responsive > table").forEach(function (table) {
    if (!table.tHead) { return; }  // a show page's table: its values wrap already
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.querySelectorAll(":scope > tr > td"), function (td) {
        if (td.querySelector(".btn, input, form, center")) { return; }
        if (td.children.length) { td.classList.add("hq-wrap"); return; }
        var em = parseFloat(window.getComputedStyle(td).fontSize) || 14;
        if (td.textContent.trim() && td.offsetWidth > CLIP_EM * em) { clip.push(td); }
      });
    });
  });
  clip.forEach(function (td) {
    var span = document.createElement("span");
    span.className = "hq-clip";
    span.title = span.textContent = td.textContent.trim();
    td.textContent = "";
    td.appendChild(span);
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
