// htmx requests carry the CSRF token from its cookie, so that pages themselves never embed
// a per-visitor token and can be cached for every anonymous visitor.
document.addEventListener("htmx:configRequest", (event) => {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) {
    event.detail.headers["X-CSRFToken"] = decodeURIComponent(match[1]);
  }
});

// A form the server refused (422) comes back with its error message: show it in place.
document.addEventListener("DOMContentLoaded", () => {
  if (window.htmx) {
    htmx.config.responseHandling.unshift({ code: "422", swap: true, error: false });
  }
});
