// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  function showError(kind) {
    var box = document.getElementById("request-error");
    if (!box) return;
    box.textContent = box.dataset[kind];
    box.hidden = false;
    clearTimeout(box._timer);
    box._timer = setTimeout(function () { box.hidden = true; }, 8000);
  }
  // htmx leaves the form untouched when a request fails, so what the user typed stays.
  document.addEventListener("htmx:sendError", function () { showError("offline"); });
  document.addEventListener("htmx:responseError", function () { showError("failed"); });
  // Forms that move a record to the recycle bin ask first (no inline handlers: the CSP allows none).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });
  document.addEventListener("click", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-select-on-click")) event.target.select();
  });
  // "The visit took place" ticked (as it comes, or by the rep) fills an empty done time with now; the server
  // does the same on save, so this only shows it.
  function fillDoneTime(box) {
    if (box.name !== "mark_done" || !box.checked || !box.form) return;
    var when = box.form.querySelector("input[name='done_at']");
    if (!when || when.value) return;
    var now = new Date();
    now.setMinutes(now.getMinutes() - now.getTimezoneOffset());
    when.value = now.toISOString().slice(0, 16);
  }
  document.addEventListener("change", function (event) { fillDoneTime(event.target); });
  function fillOnLoad() {
    Array.prototype.forEach.call(document.querySelectorAll("input[name='mark_done']"), fillDoneTime);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fillOnLoad);
  else fillOnLoad();
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) {
      var box = document.getElementById("request-error");
      if (box) box.hidden = true;
    }
  });
})();
