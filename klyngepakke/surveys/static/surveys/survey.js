// Progressive enhancement only: every page works without this file.
(function () {
  // An error summary takes focus, so it is read out first and its links are one Tab away.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
  document.querySelectorAll("[data-print]").forEach(function (button) { button.hidden = false; });
})();
document.addEventListener("click", function (event) {
  var target = event.target.closest("[data-print]");
  if (target) { event.preventDefault(); window.print(); }
});
document.addEventListener("submit", function (event) {
  // Avoid accidental double submits; the server is exactly-once regardless. The form's
  // data (including which button was pressed) is already taken when this runs.
  var form = event.target;
  window.setTimeout(function () {
    form.querySelectorAll("button[type=submit]:not([disabled])").forEach(function (b) {
      b.disabled = true;
      b.setAttribute("data-busy", "");
    });
  }, 0);
});
window.addEventListener("pageshow", function (event) {
  // Back to a page kept in the back/forward cache: its buttons must work again.
  if (event.persisted) {
    document.querySelectorAll("button[data-busy]").forEach(function (b) {
      b.disabled = false;
      b.removeAttribute("data-busy");
    });
  }
});
