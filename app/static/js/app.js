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
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) {
      var box = document.getElementById("request-error");
      if (box) box.hidden = true;
    }
  });
})();
