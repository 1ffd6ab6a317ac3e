// htmx requests carry the CSRF token from its cookie, so that pages themselves never embed
// a per-visitor token and can be cached for every anonymous visitor.
document.addEventListener("htmx:configRequest", (event) => {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) {
    event.detail.headers["X-CSRFToken"] = decodeURIComponent(match[1]);
  }
});
