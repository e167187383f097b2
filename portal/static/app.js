// Every htmx request carries the CSRF token; pages keep no inline script (CSP: script-src 'self').
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) { event.detail.headers["x-csrftoken"] = meta.content; }
});
