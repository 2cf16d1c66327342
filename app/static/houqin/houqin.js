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
  var phone = window.matchMedia("(max-width: 767px)").matches;
  document.querySelectorAll(".table-responsive > table").forEach(function (table) {
    if (!table.tHead) { return; }  // a show page's table: its values wrap already
    var heads = Array.prototype.map.call(table.tHead.rows[0] ? table.tHead.rows[0].cells : [], function (th) {
      return th.textContent.trim();
    });
    table.classList.add("hq-cards");  // a phone shows each row as a card (houqin.css)
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.querySelectorAll(":scope > tr > td"), function (td) {
        if (heads[td.cellIndex]) { td.setAttribute("data-label", heads[td.cellIndex]); }
        if (td.querySelector(".btn, input, form, center")) { return; }
        if (td.children.length) { td.classList.add("hq-wrap"); return; }
        if (phone) { return; }  // a card has the width for the whole text
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

  // Type-to-search drop-downs: <select data-hq-combo data-hq-combo-keys="id of a JSON script
  // {value: "pinyin keys"}">. The select stays in the form (and without script); a text box
  // before it finds an entry by any part of its label or by pinyin ("zl" finds 张丽, app/pinyin.py).
  // ArrowDown opens the list, typing narrows it, Enter or Tab takes the highlighted entry.
  var comboSeq = 0;
  function norm(text) { return (text || "").toLowerCase().replace(/\s+/g, ""); }
  function makeCombo(select) {
    var keysEl = document.getElementById(select.getAttribute("data-hq-combo-keys") || "");
    var keys = keysEl ? JSON.parse(keysEl.textContent) : {};
    var box = document.createElement("div");
    box.className = "hq-combo";
    var input = document.createElement("input");
    var list = document.createElement("ul");
    var listId = "hq-combo-list-" + (++comboSeq);
    input.type = "text";
    input.className = "form-control hq-combo-input";
    input.id = select.id;
    select.id = select.id + "-choice";
    input.setAttribute("autocomplete", "off");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    if (select.getAttribute("aria-invalid")) { input.setAttribute("aria-invalid", "true"); }
    if (select.getAttribute("aria-describedby")) { input.setAttribute("aria-describedby", select.getAttribute("aria-describedby")); }
    input.placeholder = select.getAttribute("data-hq-combo-placeholder") || "";
    list.id = listId;
    list.className = "dropdown-menu hq-combo-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    select.parentNode.insertBefore(box, select);
    box.appendChild(input);
    box.appendChild(list);
    box.appendChild(select);
    select.hidden = true;
    select.tabIndex = -1;
    select.hqComboInput = input;
    var options = Array.prototype.filter.call(select.options, function (o) { return o.value !== ""; });
    var shown = [], active = -1, typed = false;  // typed: the box holds the user's search text

    function label() { var o = select.options[select.selectedIndex]; return o && o.value !== "" ? o.text : ""; }
    function show(open) {
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
    }
    function highlight(i) {
      active = i;
      Array.prototype.forEach.call(list.children, function (li, n) {
        li.classList.toggle("active", n === i);
        li.setAttribute("aria-selected", n === i ? "true" : "false");
        if (n === i) { li.scrollIntoView({block: "nearest"}); input.setAttribute("aria-activedescendant", li.id); }
      });
    }
    function filter(query) {
      var q = norm(query), first = [], then = [];
      options.forEach(function (o) {
        var text = norm(o.text), extra = (keys[o.value] || "").split(" ");
        if (!q || text.indexOf(q) === 0 || extra.some(function (k) { return k && k.indexOf(q) === 0; })) { first.push(o); }
        else if (text.indexOf(q) >= 0 || extra.some(function (k) { return k.indexOf(q) >= 0; })) { then.push(o); }
      });
      shown = first.concat(then).slice(0, 50);
      list.textContent = "";
      shown.forEach(function (o, n) {
        var li = document.createElement("li");
        li.id = listId + "-" + n;
        li.setAttribute("role", "option");
        var a = document.createElement("a");
        a.textContent = o.text;
        li.appendChild(a);
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(o); });
        list.appendChild(li);
      });
      show(shown.length > 0);
      highlight(shown.length ? 0 : -1);
    }
    function choose(option) {
      typed = false;
      select.value = option ? option.value : "";
      input.value = label();
      show(false);
      select.dispatchEvent(new Event("change", {bubbles: true}));
    }
    input.value = label();
    input.addEventListener("input", function () { typed = true; filter(input.value); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden) { filter(input.value === label() ? "" : input.value); return; }
        var step = event.key === "ArrowDown" ? 1 : -1;
        highlight(Math.max(0, Math.min(shown.length - 1, active + step)));
      } else if (event.key === "Enter" || event.key === "Tab") {
        if (!list.hidden && active >= 0) {
          if (event.key === "Enter") { event.preventDefault(); event.hqComboChose = true; }
          choose(shown[active]);
        }
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        typed = false;
        input.value = label();
        show(false);
      }
    });
    input.addEventListener("blur", function () {
      if (!input.value.trim()) { if (select.value) { choose(null); } }
      else { input.value = label(); }
      show(false);
    });
    // The page set the value (the desk's returning-visitor look-up): shown at once, unless the
    // user is typing a search of their own; an open list closes, so Tab keeps what was set.
    select.addEventListener("change", function () {
      if (typed && document.activeElement === input) { return; }
      typed = false;
      input.value = label();
      show(false);
    });
  }
  document.querySelectorAll("select[data-hq-combo]").forEach(makeCombo);

  // The language switch opens the same page in the other language, with what was typed in its
  // forms (kept in this tab's sessionStorage for the one page load; passwords never).
  var KEEP = "hq-kept:";
  var here = location.pathname + location.search;
  var switcher = document.getElementById("lang-switch");
  if (switcher) {
    switcher.addEventListener("click", function (event) {
      var back = document.querySelector("[data-hq-return]");
      var next = back ? back.getAttribute("data-hq-return") : here;
      var kept = [];
      document.querySelectorAll("form").forEach(function (form) {
        if ((form.getAttribute("method") || "get").toLowerCase() !== "post") { return; }
        var fields = [];
        Array.prototype.forEach.call(form.elements, function (el) {
          if (!el.name || el.name === "csrf_token" || el.type === "password" || el.type === "file" ||
              el.type === "submit" || el.type === "button") { return; }
          if (el.type === "checkbox" || el.type === "radio") {
            if (el.checked) { fields.push([el.name, el.value, true]); }
          } else if (el.value) { fields.push([el.name, el.value]); }
        });
        if (fields.length) { kept.push({id: form.id, action: form.getAttribute("action"), fields: fields}); }
      });
      try {
        if (kept.length) { sessionStorage.setItem(KEEP + next, JSON.stringify(kept)); }
      } catch (e) { /* private mode: the page still switches */ }
      event.preventDefault();
      var url = switcher.getAttribute("href");
      location.href = url + (url.indexOf("?") < 0 ? "?" : "&") + "next=" + encodeURIComponent(next);
    });
  }
  var saved = null;
  try { saved = sessionStorage.getItem(KEEP + here); sessionStorage.removeItem(KEEP + here); } catch (e) { saved = null; }
  if (saved) {
    JSON.parse(saved).forEach(function (entry) {
      var form = (entry.id && document.getElementById(entry.id)) ||
        Array.prototype.filter.call(document.forms, function (f) { return f.getAttribute("action") === entry.action; })[0];
      if (!form) { return; }
      entry.fields.forEach(function (field) {
        var name = field[0], value = field[1];
        Array.prototype.forEach.call(form.elements, function (el) {
          if (el.name !== name || el.name === "csrf_token") { return; }
          if (el.type === "checkbox" || el.type === "radio") {
            if (el.value === value) { el.checked = true; }
          } else if (el.type !== "file" && el.type !== "password") {
            el.value = value;
            el.dispatchEvent(new Event("change", {bubbles: true}));
            if (window.jQuery && el.tagName === "SELECT") { window.jQuery(el).trigger("change.select2"); }
          }
        });
      });
    });
  }
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
