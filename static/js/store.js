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

// A form marked data-confirm asks first; one marked data-submit-once sends once: a double
// click never posts it twice.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset.confirm && !form.dataset.submitted && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    return;
  }
  if (!form.matches("[data-submit-once]")) {
    return;
  }
  if (form.dataset.submitted) {
    event.preventDefault();
    return;
  }
  form.dataset.submitted = "true";
  form.querySelectorAll("button[type=submit]").forEach((button) => button.classList.add("disabled"));
});

// A select marked data-auto-submit sends its form as soon as it changes (language, sort
// order, warehouse). Behaviour lives here, never in inline handlers: the
// Content-Security-Policy runs no script written in the page.
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-auto-submit]");
  if (field && field.form) {
    field.form.requestSubmit();
  }
});

// Copy buttons (Pix code, boleto line) put their target's text on the clipboard.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button || !navigator.clipboard) {
    return;
  }
  const target = document.querySelector(button.dataset.copyTarget);
  navigator.clipboard.writeText(target.value || target.textContent.trim()).then(() => {
    button.querySelector("[data-copy-label]").textContent = button.dataset.copiedLabel;
  });
});

// Card fields show only while paying by card.
function showPaymentFields(form) {
  const method = form.querySelector("input[name=method]:checked");
  form.querySelectorAll("[data-payment-method]").forEach((section) => {
    section.hidden = !method || section.dataset.paymentMethod !== method.value;
  });
}
document.addEventListener("change", (event) => {
  if (event.target.name === "method") {
    showPaymentFields(event.target.form);
  }
});
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-payment-form]").forEach(showPaymentFields);
});

// Delivery by CEP (product page, cart): the CEP priced last in this browser session is
// priced again wherever the widget appears (a page, the cart redrawn), and again when the
// product page's variant changes.
(() => {
  const rememberedCep = () => {
    const match = document.cookie.match(/(?:^|;\s*)cep=(\d{8})/);
    return match ? `${match[1].slice(0, 5)}-${match[1].slice(5)}` : "";
  };
  const quote = (widget) => {
    const form = widget && widget.querySelector("form");
    if (form && form.querySelector("[data-role=freight-cep]").value) {
      htmx.trigger(form, "submit");
    }
  };
  document.addEventListener("DOMContentLoaded", () => {
    if (!window.htmx) {
      return;
    }
    htmx.onLoad((content) => {
      const widgets = content.matches("[data-freight]") ? [content] : content.querySelectorAll("[data-freight]");
      for (const widget of widgets) {
        const field = widget.querySelector("[data-role=freight-cep]");
        if (!field.value && rememberedCep()) {
          field.value = rememberedCep();
          quote(widget);
        }
      }
    });
    const buyBox = document.getElementById("buy-box");
    if (buyBox) {
      buyBox.addEventListener("variant:change", () => quote(document.querySelector("[data-freight]")));
    }
  });
})();

// Checkout and telesales: a company's fields show while the buyer is a company.
document.addEventListener("change", (event) => {
  if (event.target.name !== "buyer_type") {
    return;
  }
  const fields = event.target.form && event.target.form.querySelector("[data-company-fields]");
  if (fields) {
    fields.classList.toggle("d-none", event.target.value !== "company");
  }
});
