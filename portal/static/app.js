// Every htmx request carries the CSRF token; pages keep no inline script (CSP: script-src 'self').
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) { event.detail.headers["x-csrftoken"] = meta.content; }
});

// A refused form opens at its first error: the control it concerns, in view and focused (or the
// error summary, where the error is the form's as a whole).
function focusFirstError() {
  var first = document.querySelector('main [aria-invalid="true"]');
  if (first) {
    first.scrollIntoView({ block: "center" });
    first.focus({ preventScroll: true });
    return;
  }
  var summary = document.querySelector("main .error-summary:not([hidden])");
  if (summary) { summary.focus(); }
}
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", focusFirstError);
} else {
  focusFirstError();
}
