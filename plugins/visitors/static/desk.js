/* Gate desk: returning-visitor lookup and polling. Vanilla JS, no external hosts.
   Every visible string comes translated from the page (#hq-desk-i18n). */
(function () {
  "use strict";
  var desk = document.getElementById("hq-desk");
  if (!desk) { return; }
  var text = JSON.parse(document.getElementById("hq-desk-i18n").textContent);
  var form = document.getElementById("hq-sign-in");

  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key] == null ? "" : values[key]; });
  }

  function send(url, body) {
    var options = {credentials: "same-origin", headers: {"Accept": "application/json"}};
    if (body) {
      options.method = "POST";
      options.headers["Content-Type"] = "application/json";
      options.headers["X-CSRFToken"] = desk.getAttribute("data-csrf");
      options.body = JSON.stringify(body);
    } else {
      options.headers["X-Houqin-Background"] = "1";  // polling is not activity (idle sign-out)
    }
    return fetch(url, options).then(function (r) { return r.json(); });
  }

  function field(name) { return form ? form.elements.namedItem(name) : null; }

  function setIfEmpty(name, value) {
    var el = field(name);
    // not the field being typed into: the answer would mix with the keystrokes
    if (el && el !== document.activeElement && !el.value && value != null && value !== "") {
      el.value = value;
      if (el.tagName === "SELECT") { el.dispatchEvent(new Event("change", {bubbles: true})); }  // its search box
    }
  }

  function focusOn(el) {
    el = el.hqComboInput || el;  // a type-to-search drop-down is typed into its box
    el.focus();
    if (el.select && el.type === "text") { el.select(); }
  }

  function showFieldError(name, message) {
    var el = field(name);
    if (!el) { return; }
    var group = el.closest(".form-group");
    var help = group.querySelector(".help-block");
    if (!help) {
      help = document.createElement("span");
      help.className = "help-block";
      help.id = "e-" + name;
      group.appendChild(help);
    }
    help.textContent = message || "";
    group.classList.toggle("has-error", !!message);
  }

  var lastLookup = "";
  function lookup(source) {
    var number = field("id_number").value.trim();
    var phone = field("phone").value.trim();
    var key = source === "phone" ? "p:" + phone : "i:" + number;
    if ((source === "phone" ? !phone : !number) || phone.indexOf("*") >= 0 && source === "phone" ||
        number.indexOf("*") >= 0 && source !== "phone" || key === lastLookup) {
      return Promise.resolve(false);
    }
    lastLookup = key;
    var body = {campus_id: field("campus_id").value, doc_type: field("doc_type").value};
    if (source === "phone") { body.phone = phone; } else { body.number = number; }
    var note = document.getElementById("hq-lookup-note");
    var from = field(source === "phone" ? "phone" : "id_number");
    return send(desk.getAttribute("data-lookup-url"), body).then(function (data) {
      showFieldError(source === "phone" ? "phone" : "id_number", data.error || "");
      if (data.error) { note.textContent = ""; lastLookup = ""; return "error"; }  // e.g. a wrong check digit
      if (!data.found) { note.textContent = text.not_found; return false; }
      if (data.on_site) {  // already on site at this campus: the desk will refuse a second sign-in
        showFieldError("id_number", data.on_site);
        note.textContent = "";
        return true;
      }
      setIfEmpty("name", data.name);
      setIfEmpty("id_number", data.id_number);
      setIfEmpty("phone", data.phone);
      setIfEmpty("organisation", data.organisation);
      setIfEmpty("purpose_id", data.purpose_id);
      setIfEmpty("host_id", data.host_id);
      setIfEmpty("plate", data.plate);
      if (data.doc_type && source === "phone") { field("doc_type").value = data.doc_type; }
      note.textContent = data.last_visit ? fmt(text.found, {date: data.last_visit}) : text.known;
      var next = ["purpose_id", "host_id", "badge"].map(field).filter(function (el) { return el && !el.value; })[0];
      // On to the first detail still empty, unless the gatekeeper has moved on meanwhile (the
      // answer must not pull the next keystrokes into another field).
      var here = document.activeElement;
      if (here === from || here === document.body || here === null) { focusOn(next || field("badge")); }
      return true;
    }).catch(function () { return false; });
  }

  // Enter means one thing in every state of the form: it finishes what is being typed (a document
  // number or phone is looked up while the name is empty; a search takes its highlighted entry,
  // then the next field), and anywhere else signs in, or first goes to what is still missing (a
  // required field, the stored-details choice, the blocklist check). An input method's Enter
  // (composing pinyin) is left alone.
  function missing() {
    var wanted = form.querySelectorAll("[data-hq-required]");
    for (var i = 0; i < wanted.length; i += 1) {
      var el = wanted[i];
      if (el.type === "radio") {
        if (!form.querySelector("input[name='" + el.name + "']:checked")) { return el; }
      } else if (el.type === "checkbox") {
        if (!el.checked) { return el; }
      } else if (!el.value.trim()) { return el; }
    }
    return null;
  }

  function nextField(el) {
    var all = Array.prototype.filter.call(form.elements, function (f) {
      return f.type !== "hidden" && !f.hidden && !f.disabled && f.tabIndex >= 0 && f.offsetParent !== null;
    });
    return all[all.indexOf(el) + 1] || null;
  }

  function signInOrGoOn() {
    var gap = missing();
    if (gap) { focusOn(gap); return; }
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }

  if (form) {
    form.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.isComposing || event.keyCode === 229 || event.altKey || event.ctrlKey ||
          event.metaKey || event.shiftKey) { return; }
      var el = event.target;
      if (el.tagName === "TEXTAREA" || el.tagName === "BUTTON" || el.tagName === "A") { return; }
      event.preventDefault();
      if (event.hqComboChose) {  // the search took its entry: on to the next field
        var after = nextField(el);
        if (after) { after.focus(); }
        return;
      }
      var source = el.name === "phone" ? "phone" : el.name === "id_number" ? "id" : null;
      if (source && el.value.trim() && !field("name").value.trim()) {
        lookup(source).then(function (found) {
          // the gatekeeper went on while the answer came (F2 to a badge, a click): leave them there
          var now = document.activeElement;
          if (now && now !== el && now !== document.body) { return; }
          if (found === "error") { el.focus(); el.select(); }  // stay on the number to correct it
          else if (!found) { signInOrGoOn(); }  // new visitor: on to the name
        });
        return;
      }
      signInOrGoOn();
    });
    ["id_number", "phone"].forEach(function (name) {
      var el = field(name);
      var source = name === "phone" ? "phone" : "id";
      el.addEventListener("change", function () {
        if (!field("name").value.trim()) { lookup(source); }
      });
    });
  }

  // F2, anywhere on the desk: to "sign out by badge" (the shortcut is shown beside it).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "F2") { return; }
    var out = document.getElementById("out-badge");
    if (out) { event.preventDefault(); out.focus(); out.select(); }
  });

  // The Director's answer to an override request, without reloading the page.
  var pending = document.getElementById("hq-pending-override");
  if (pending && pending.getAttribute("data-status") === "waiting") {
    var url = desk.getAttribute("data-override-url").replace(/\/0\/status$/, "/" + pending.getAttribute("data-override") + "/status");
    var timer = setInterval(function () {
      send(url).then(function (data) {
        if (data.status === "waiting") { return; }
        clearInterval(timer);
        var label = data.status === "approved" ? text.approved : text.declined;
        pending.querySelector(".hq-override-status").textContent = fmt(label, {name: data.decided_by, reason: data.reason});
        pending.className = "alert " + (data.status === "approved" ? "alert-success" : "alert-danger");
        if (data.status === "approved") { pending.querySelector(".hq-admit").hidden = false; }
      }).catch(function () {});
    }, 4000);
  }

  // Hosts answering in the app: the waiting labels turn into their answer.
  var waiting = Array.prototype.slice.call(document.querySelectorAll(".hq-host-pending"));
  if (waiting.length) {
    var ids = waiting.map(function (el) { return el.getAttribute("data-visit"); }).join(",");
    var hostTimer = setInterval(function () {
      send(desk.getAttribute("data-poll-url") + "?ids=" + ids).then(function (data) {
        var open = 0;
        data.visits.forEach(function (v) {
          var el = document.querySelector(".hq-host-pending[data-visit='" + v.id + "']");
          if (!el) { return; }
          if (v.host_response === "confirmed") {
            el.className = "label label-success"; el.textContent = text.host_confirmed;
          } else if (v.host_response === "declined") {
            el.className = "label label-danger"; el.textContent = text.host_declined;
          } else { open += 1; }
        });
        if (!open) { clearInterval(hostTimer); }
      }).catch(function () {});
    }, 5000);
  }
}());
