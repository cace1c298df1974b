// Drafts kept on the device for every form[data-draft-key]: what a rep types survives a failed request and a
// reload (flaky hospital Wi-Fi) until the server confirms the save. The hidden client_key travels with the
// draft, so a re-sent draft is saved once. Progressive enhancement: without this file the form still posts.
(function () {
  "use strict";
  var FORMS = "form[data-draft-key]";
  var SKIPPED = ["csrf_token"]; // never stored: the token belongs to the session, not to the draft

  // localStorage may be missing or throw (private mode, storage disabled, quota): drafts are then off.
  var store = (function () {
    try {
      var probe = "keyuan-draft-probe";
      window.localStorage.setItem(probe, probe);
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (error) {
      return null;
    }
  })();

  function read(key) {
    if (!store) return null;
    try {
      var draft = JSON.parse(store.getItem(key));
      return draft && typeof draft.fields === "object" ? draft : null;
    } catch (error) {
      return null;
    }
  }

  function write(key, draft) {
    if (!store) return false;
    try {
      store.setItem(key, JSON.stringify(draft));
      return true;
    } catch (error) {
      return false;
    }
  }

  function forget(key) {
    if (!store) return;
    try { store.removeItem(key); } catch (error) { /* nothing kept, nothing to remove */ }
  }

  function newKey() {
    var cryptoApi = window.crypto;
    // randomUUID exists only in secure contexts (https, localhost); a LAN address over http falls back.
    if (cryptoApi && typeof cryptoApi.randomUUID === "function") return cryptoApi.randomUUID();
    var bytes = new Uint8Array(16);
    if (cryptoApi && cryptoApi.getRandomValues) {
      cryptoApi.getRandomValues(bytes);
    } else {
      for (var i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
    }
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }

  function keyInput(form) {
    return form.querySelector("input[name='client_key']");
  }

  function draftable(el) {
    return el.name && SKIPPED.indexOf(el.name) === -1 && !el.disabled &&
      ["submit", "button", "reset", "file", "password", "image"].indexOf(el.type) === -1;
  }

  // name → list of values, like FormData.getAll; a radio group or checkbox list with nothing ticked is
  // stored as [] so restoring it unticks what the server rendered as default.
  function collect(form) {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!draftable(el)) return;
      if (!fields[el.name]) fields[el.name] = [];
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) fields[el.name].push(el.value);
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.selectedOptions, function (o) { fields[el.name].push(o.value); });
      } else {
        fields[el.name].push(el.value);
      }
    });
    return fields;
  }

  // Changed since the server rendered it: typed before this deferred script ran (it waits for htmx, slow on
  // bad Wi-Fi) or in the moment between a swap and its settle. Such a field keeps what was typed.
  function touched(el) {
    if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
    if (el.tagName === "SELECT") {
      return Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; });
    }
    return el.value !== el.defaultValue;
  }

  // Returns true when some field kept what was typed over the draft (the draft is then out of date).
  function restore(form, fields) {
    var seen = {};
    var typed = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (draftable(el) && el.name !== "client_key" && touched(el)) typed[el.name] = true;
    });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!draftable(el) || typed[el.name] || !Object.prototype.hasOwnProperty.call(fields, el.name)) return;
      var values = fields[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values.indexOf(el.value) !== -1;
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = values.indexOf(o.value) !== -1; });
      } else {
        var index = seen[el.name] || 0; // repeated names (rare) are restored in order
        seen[el.name] = index + 1;
        if (index < values.length) el.value = values[index];
      }
    });
    return Object.keys(typed).length > 0;
  }

  function showNote(form) {
    var note = form.querySelector(".draft-note");
    if (note) note.hidden = false;
  }

  function save(form) {
    if (write(form.dataset.draftKey, {fields: collect(form), savedAt: Date.now()})) showNote(form);
  }

  // Give the form its key and bring back a kept draft; runs once per form element (a swap brings a new one).
  function setUp(form) {
    if (form.dataset.draftReady) return;
    form.dataset.draftReady = "1";
    var draft = read(form.dataset.draftKey);
    var input = keyInput(form);
    if (draft && draft.sentNatively && input && !input.value) {
      // Posted without htmx and the server answered with a fresh, empty form: that answer was the saved
      // page (a failed plain post shows the typed values and their key again), so the draft is done.
      forget(form.dataset.draftKey);
      draft = null;
    }
    var stale = false;
    if (draft) {
      stale = restore(form, draft.fields);
      showNote(form);
    }
    if (input && !input.value) input.value = newKey();
    if (stale) save(form);
  }

  function setUpWithin(root) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches && root.matches(FORMS)) setUp(root);
    Array.prototype.forEach.call(root.querySelectorAll(FORMS), setUp);
  }

  // The form an htmx request came from. After a swap htmx re-fires afterRequest on a parent still in the
  // page (detail.elt is then that parent), so read the request's own element; closest() works detached.
  function draftForm(event) {
    var detail = event.detail || {};
    var elt = (detail.requestConfig && detail.requestConfig.elt) || detail.elt;
    return elt && elt.closest ? elt.closest(FORMS) : null;
  }

  function onEdit(event) {
    var form = event.target && event.target.form;
    if (form && form.matches(FORMS)) save(form);
  }
  document.addEventListener("input", onEdit);
  document.addEventListener("change", onEdit);

  // What is sent is what is kept: a failure after this point leaves exactly the sent draft (and its key).
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = draftForm(event);
    if (form) save(form);
  });

  // A plain post (htmx did not load): mark the draft, so the fresh form after the redirect drops it.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.matches || !form.matches(FORMS)) return;
    save(form);
    var draft = read(form.dataset.draftKey);
    if (draft) {
      draft.sentNatively = true;
      write(form.dataset.draftKey, draft);
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = draftForm(event);
    var xhr = event.detail.xhr;
    // Only a 2xx confirms the save; a 422 (errors shown by the fields), a 409 or a failed request keeps it.
    if (!form || !event.detail.successful || !xhr || xhr.status < 200 || xhr.status >= 300) return;
    var key = form.dataset.draftKey;
    var confirmed = keyInput(form) && keyInput(form).value;
    forget(key);
    // The fresh form from the swap must not reuse the confirmed key, or its next entry would be taken for
    // this one and dropped; normally it has none yet (set-up runs on htmx:load, after this event).
    Array.prototype.forEach.call(document.querySelectorAll(FORMS), function (other) {
      var input = keyInput(other);
      if (other.dataset.draftKey === key && input && (!input.value || input.value === confirmed)) {
        input.value = newKey();
      }
    });
  });

  // htmx:load fires for the body when htmx starts and for every swapped-in element; the direct call covers
  // pages where htmx did not load (this script is deferred, so the document is parsed).
  document.addEventListener("htmx:load", function (event) { setUpWithin(event.target); });
  setUpWithin(document);
})();
