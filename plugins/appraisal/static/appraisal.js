/* The scoring grid (issue 17 point 6): arrows, Tab and Enter move between cells; a cell is
   saved when it is left (POST JSON with the page's CSRF token); the range is checked here for a
   quick answer and again by the server, which has the last word. No inline script (CSP). */
(function () {
  "use strict";
  var root = document.getElementById("hq-sheet");
  if (!root || root.getAttribute("data-editable") !== "true") { return; }
  var i18n = JSON.parse(document.getElementById("hq-sheet-i18n").textContent);
  var url = root.getAttribute("data-cell-url");
  var csrf = root.getAttribute("data-csrf");

  function cellAt(row, col) {
    return root.querySelector('input.hq-score[data-row="' + row + '"][data-col="' + col + '"]');
  }
  function commentOf(input) {
    return document.getElementById("m-" + input.getAttribute("data-staff") + "-" + input.getAttribute("data-item"));
  }
  function scoreOf(comment) {
    return document.getElementById(comment.id.replace(/^m-/, "c-"));
  }
  function message(input, text, bad) {
    var el = document.getElementById("e-" + input.getAttribute("data-staff") + "-" + input.getAttribute("data-item"));
    el.textContent = text;
    input.closest("td").classList.toggle("has-error", !!bad);
    input.setAttribute("aria-invalid", bad ? "true" : "false");
  }
  function save(input) {
    var value = input.value.trim();
    var comment = commentOf(input);
    if (value === "" ) { return; }
    var key = value + "\u0000" + comment.value;
    if (input.getAttribute("data-saved") === key) { return; }
    message(input, i18n.saving, false);
    fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json"},
      body: JSON.stringify({staff_id: input.getAttribute("data-staff"), item: input.getAttribute("data-item"),
                            value: value, comment: comment.value})
    }).then(function (resp) {
      return resp.json().then(function (data) { return {ok: resp.ok, data: data}; });
    }).then(function (r) {
      if (r.ok) {
        input.setAttribute("data-saved", key);
        input.value = r.data.value;
        message(input, i18n.saved, false);
        input.closest("td").classList.add("hq-done");
      } else {
        var msgs = r.data.message || {};
        var text = typeof msgs === "string" ? msgs : Object.keys(msgs).map(function (k) { return msgs[k].join(" "); }).join(" ");
        input.removeAttribute("data-saved");
        input.closest("td").classList.remove("hq-done");
        message(input, text || i18n.failed, true);
      }
    }).catch(function () { input.removeAttribute("data-saved"); message(input, i18n.failed, true); });
  }
  root.addEventListener("change", function (event) {
    var t = event.target;
    if (t.classList.contains("hq-score")) { save(t); }
    else if (t.classList.contains("hq-comment")) { save(scoreOf(t)); }
  });
  root.addEventListener("keydown", function (event) {
    var t = event.target;
    if (!t.classList || !t.classList.contains("hq-score")) {
      if (t.classList && t.classList.contains("hq-comment") && event.key === "Enter") {
        event.preventDefault(); save(scoreOf(t)); scoreOf(t).focus();
      }
      return;
    }
    var row = +t.getAttribute("data-row"), col = +t.getAttribute("data-col"), next = null;
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
