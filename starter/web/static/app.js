// Niceties only: every page works without JavaScript.
// Focus the error summary so a screen reader hears it first (else a letter just previewed); stop a second click sending a form twice
// (the command_id in the form already makes a repeat harmless).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  var preview = document.querySelector("[data-letter-preview]");
  if (summary) { summary.focus(); } else if (preview) { preview.focus(); }  // the letter previewed, not the page top
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("[data-prevent-double-click]");
      if (button) { setTimeout(function () { button.disabled = true; }, 0); }
    });
  });
});

// Long forms survive the end of a session (issue 26 item 4). What is typed into a form marked
// data-keep-draft is kept in this tab's sessionStorage (gone when the tab closes) and put back when the
// same form is next shown, for example after signing in again; it is dropped once the form was accepted.
// Before the session's idle limit the page warns, and "Stay signed in" keeps the session alive.
(function () {
  var PREFIX = "draft:";
  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "hidden" && el.type !== "submit" && el.type !== "button" && el.type !== "file";
    });
  }
  function save(form) {
    var data = {};
    fields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") { if (el.checked) { data[el.name + "=" + el.value] = true; } }
      else if (el.value) { data[el.name] = el.value; }
    });
    try { sessionStorage.setItem(PREFIX + form.getAttribute("action"), JSON.stringify(data)); } catch (e) { /* storage full or off */ }
  }
  function restore(form) {
    var key = PREFIX + form.getAttribute("action"), raw = null;
    try { raw = sessionStorage.getItem(key); } catch (e) { return; }
    if (!raw) { return; }
    var shown = form.closest("details");
    if (document.querySelector("[data-error-summary]") || (shown && shown.open)) { return; }  // the server put back what was sent: it wins
    var data = JSON.parse(raw);
    fields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") { el.checked = !!data[el.name + "=" + el.value]; }
      else if (data[el.name] !== undefined) { el.value = data[el.name]; }
    });
    var details = form.closest("details");
    if (details) { details.open = true; }
    var note = document.createElement("p");
    note.className = "banner banner--info";
    note.setAttribute("role", "status");
    note.setAttribute("data-draft-restored", "");
    note.textContent = "We kept what you typed here before your session ended. Check it, then send it again.";
    form.insertBefore(note, form.firstChild);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var accepted = document.querySelector(".notification");
    var sent = null;
    try { sent = sessionStorage.getItem(PREFIX + "sent"); } catch (e) { /* off */ }
    if (sent && accepted && !document.querySelector("[data-error-summary]")) {
      try { sessionStorage.removeItem(PREFIX + sent); sessionStorage.removeItem(PREFIX + "sent"); } catch (e) { /* off */ }
    }
    document.querySelectorAll("form[data-keep-draft]").forEach(function (form) {
      restore(form);
      form.addEventListener("input", function () { save(form); });
      form.addEventListener("change", function () { save(form); });
      form.addEventListener("submit", function () {
        save(form);
        try { sessionStorage.setItem(PREFIX + "sent", form.getAttribute("action")); } catch (e) { /* off */ }
      });
    });
    var idle = parseInt(document.body.getAttribute("data-idle-minutes") || "0", 10);
    if (idle > 0) {
      var warnAfter = Math.max(idle - 5, Math.ceil(idle / 2)) * 60000;
      setTimeout(function warn() {
        var banner = document.createElement("div");
        banner.className = "banner banner--warning session-warning";
        banner.setAttribute("role", "alert");
        banner.innerHTML = '<p class="banner__title">You will be signed out soon</p><p class="body">You have not used the service for a while. What you type in a case\'s forms is kept in this tab either way.</p>';
        var stay = document.createElement("button");
        stay.type = "button";
        stay.className = "button button--secondary";
        stay.textContent = "Stay signed in";
        stay.addEventListener("click", function () {
          fetch("/account/still-here", {credentials: "same-origin"}).then(function () {
            banner.remove();
            setTimeout(warn, warnAfter);
          });
        });
        banner.appendChild(stay);
        document.querySelector("main").insertBefore(banner, document.querySelector("main").firstChild);
      }, warnAfter);
    }
  });
})();
