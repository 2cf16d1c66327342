/* The to-do count (待办) in the navbar of every page, kept current by polling every 30 s
   (data-interval); on the to-do page itself the list is refreshed too, unless the user is
   typing in it. Polls are sent as background requests: they never keep an idle session alive.
   Vanilla JS, no external hosts, no inline script (the pages' Content-Security-Policy). */
(function () {
  "use strict";
  var link = document.getElementById("hq-todo-link");
  if (!link || !window.fetch) { return; }
  var badge = document.getElementById("hq-todo-count");
  var page = document.getElementById("hq-todo-page");
  var url = link.getAttribute("data-count-url");
  var interval = (parseInt(link.getAttribute("data-interval"), 10) || 30) * 1000;
  var timer = null;

  function background(target) {
    return fetch(target, {credentials: "same-origin", redirect: "manual",
                          headers: {"Accept": "application/json", "X-Houqin-Background": "1"}});
  }

  function show(count) {
    badge.textContent = String(count);
    badge.classList.toggle("hq-todo-zero", !count);
  }

  function typing(list) {
    var active = document.activeElement;
    if (active && list.contains(active) && active.tagName === "INPUT") { return true; }
    return Array.prototype.some.call(list.querySelectorAll("input.hq-todo-text"), function (el) {
      return el.value.trim() !== "";
    });
  }

  function refreshPage(count) {
    var list = document.getElementById("hq-todo-list");
    if (typing(list)) {
      document.getElementById("hq-todo-changed").hidden = false;
      return;
    }
    background(page.getAttribute("data-partial-url")).then(function (r) {
      return r.ok ? r.text() : null;
    }).then(function (html) {
      if (html === null) { return; }
      list.innerHTML = html;
      page.setAttribute("data-count", String(count));
    }).catch(function () {});
  }

  function stop() {
    if (timer) { clearInterval(timer); timer = null; }
  }

  function poll() {
    if (document.hidden) { return; }
    background(url).then(function (r) {
      // Signed out (idle timeout, logout elsewhere) or redirected: stop asking.
      if (r.status !== 200) { stop(); return null; }
      return r.json();
    }).then(function (data) {
      if (!data) { return; }
      show(data.count);
      if (page && String(data.count) !== page.getAttribute("data-count")) { refreshPage(data.count); }
    }).catch(function () {});
  }

  timer = setInterval(poll, interval);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && timer) { poll(); }
  });
}());
