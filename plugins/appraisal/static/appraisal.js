/* The scoring grid (issue 17 point 6): arrows, Tab and Enter move between cells; a cell is
   saved when it is left (POST JSON with the page's CSRF token); the server checks the range and
   the comment rule and has the last word. A score that needs a comment gets a comment box
   below it, focused. The item of a cell is its column's header (data-c), the person its row's
   data-staff: the cells carry nothing else, so a sheet of 2,400 cells stays small. No inline
   script (CSP). */
(function () {
  "use strict";
  var root = document.getElementById("hq-sheet");
  if (!root) { return; }
  var heads = root.querySelectorAll("th.hq-item");
  // Phones show each cell with its item's name above it (CSS reads data-label).
  Array.prototype.forEach.call(root.querySelectorAll("td.hq-cell"), function (td) {
    var input = td.querySelector("input.hq-score");
    td.setAttribute("data-label", heads[+input.getAttribute("data-c")].getAttribute("data-label"));
  });
  if (root.getAttribute("data-editable") !== "true") { return; }
  var i18n = JSON.parse(document.getElementById("hq-sheet-i18n").textContent);
  var url = root.getAttribute("data-cell-url");
  var csrf = root.getAttribute("data-csrf");

  function cellAt(row, col) {
    return root.querySelector('input.hq-score[data-r="' + row + '"][data-c="' + col + '"]');
  }
  function commentOf(input, create) {
    var box = input.parentNode.querySelector("input.hq-comment");
    if (!box && create) {
      box = document.createElement("input");
      box.className = "form-control input-sm hq-comment";
      box.maxLength = 500;
      box.setAttribute("aria-label", i18n.comment);
      box.placeholder = i18n.comment;
      input.parentNode.insertBefore(box, input.nextSibling);
    }
    return box;
  }
  function scoreOf(el) { return el.parentNode.querySelector("input.hq-score"); }
  function message(input, text, bad) {
    var td = input.parentNode;
    var el = td.querySelector(".hq-cell-msg");
    if (!el) {
      el = document.createElement("span");
      el.className = "hq-cell-msg help-block";
      el.setAttribute("aria-live", "polite");
      td.appendChild(el);
    }
    el.textContent = text;
    td.classList.toggle("has-error", !!bad);
    input.setAttribute("aria-invalid", bad ? "true" : "false");
  }
  // One save per cell at a time: a cell left, its comment entered and the cell corrected within a
  // second sent three saves at once; answered out of order, an older answer overwrote the newer
  // value, and two first saves of one cell raced to create its score. A save asked for while
  // one is on its way runs when that one is answered, with the cell as it is then, and the
  // older answer changes nothing on the page.
  function save(input) {
    if (input.hqBusy) { input.hqAgain = true; return; }
    var value = input.value.trim();
    if (value === "") { return; }
    var box = commentOf(input, false);
    var comment = box ? box.value : "";
    var key = value + "\u0000" + comment;
    if (input.getAttribute("data-saved") === key) { return; }
    var head = heads[+input.getAttribute("data-c")];
    message(input, i18n.saving, false);
    input.hqBusy = true;
    function done() {
      input.hqBusy = false;
      if (input.hqAgain) { input.hqAgain = false; save(input); }
    }
    fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json"},
      body: JSON.stringify({staff_id: input.closest("tr").getAttribute("data-staff"),
                            item: head.getAttribute("data-item"), value: value, comment: comment})
    }).then(function (resp) {
      return resp.json().then(function (data) { return {ok: resp.ok, data: data}; });
    }).then(function (r) {
      var td = input.parentNode;
      if (input.hqAgain) { return; }  // the cell changed meanwhile: the next save answers
      if (r.ok) {
        input.setAttribute("data-saved", key);
        // the server's form of the number (5 -> 5.00), but never under the typing cursor: an answer
        // arriving after Ctrl+A turned the next "20" into "5.0020"
        if (document.activeElement !== input) { input.value = r.data.value; }
        message(input, i18n.saved, false);
        td.classList.add("hq-done");
        return;
      }
      var msgs = r.data.message || {};
      var text = typeof msgs === "string" ? msgs : Object.keys(msgs).map(function (k) { return msgs[k].join(" "); }).join(" ");
      input.removeAttribute("data-saved");
      td.classList.remove("hq-done");
      message(input, text || i18n.failed, true);
      if (typeof msgs === "object" && msgs.comment) {
        var note = commentOf(input, true);
        if (document.activeElement === null || document.activeElement === document.body ||
            document.activeElement.classList.contains("hq-score")) { note.focus(); }
      }
    }).catch(function () {
      input.removeAttribute("data-saved");
      if (!input.hqAgain) { message(input, i18n.failed, true); }
    }).then(done);
  }
  root.addEventListener("change", function (event) {
    var t = event.target;
    if (t.classList.contains("hq-score")) { save(t); }
    else if (t.classList.contains("hq-comment")) { save(scoreOf(t)); }
  });
  root.addEventListener("keydown", function (event) {
    var t = event.target;
    if (!t.classList) { return; }
    if (t.classList.contains("hq-comment")) {
      if (event.key === "Enter") { event.preventDefault(); save(scoreOf(t)); scoreOf(t).focus(); }
      return;
    }
    if (!t.classList.contains("hq-score")) { return; }
    var row = +t.getAttribute("data-r"), col = +t.getAttribute("data-c"), next = null;
    var atStart = t.selectionStart === 0 && t.selectionEnd === 0;
    var atEnd = t.selectionStart === t.value.length;
    if (event.key === "ArrowDown" || event.key === "Enter") { next = cellAt(row + 1, col); }
    else if (event.key === "ArrowUp") { next = cellAt(row - 1, col); }
    else if (event.key === "ArrowRight" && atEnd) { next = cellAt(row, col + 1); }
    else if (event.key === "ArrowLeft" && atStart) { next = cellAt(row, col - 1); }
    else { return; }
    event.preventDefault();
    save(t);
    if (next) { next.focus(); next.select(); }
    else if (event.key === "Enter") { var b = document.getElementById("hq-submit-button"); if (b) { b.focus(); } }
  });
})();
