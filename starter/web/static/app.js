// Niceties only: every page works without JavaScript.
// Focus the error summary so a screen reader hears it first; stop a second click sending a form twice
// (the command_id in the form already makes a repeat harmless).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("[data-prevent-double-click]");
      if (button) { setTimeout(function () { button.disabled = true; }, 0); }
    });
  });
});
