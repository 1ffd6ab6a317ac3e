// Address forms (checkout, saved addresses).
//
// A CEP field marked data-cep-lookup asks the store for the CEP's street, district, city and
// state as soon as it holds eight digits, and fills them in. What the shopper typed is never
// overwritten: a field is filled only while it is empty or still holds what an earlier lookup
// put there, so every field stays theirs to correct. An unknown CEP is said on the field;
// with the lookup service down the form simply stays as it is, to be typed by hand.
//
// A saved address picked from the list (data-saved-address, its fields as JSON) fills the whole
// address at once; "another address" (data-saved-address-new) empties it for typing.
(() => {
  const LOOKED_UP = ["street", "district", "city", "state"];
  const ADDRESS = ["cep", "street", "street_number", "complement", "district", "city", "state"];
  const pending = new WeakMap();

  function digits(value) {
    return value.replace(/\D/g, "");
  }

  function field(form, name) {
    return form.querySelector(`[name="${name}"]`);
  }

  function feedback(input) {
    let box = input.parentElement.querySelector("[data-cep-feedback]");
    if (!box) {
      box = document.createElement("div");
      box.dataset.cepFeedback = "";
      box.setAttribute("aria-live", "polite");
      input.insertAdjacentElement("afterend", box);
    }
    return box;
  }

  function say(input, message, kind) {
    const box = feedback(input);
    box.textContent = message || "";
    box.dataset.cepFeedback = kind;
    box.className = kind === "error" ? "invalid-feedback d-block" : "form-text";
    input.classList.toggle("is-invalid", kind === "error");
  }

  function fill(form, found) {
    LOOKED_UP.forEach((name) => {
      const target = field(form, name);
      if (!target) {
        return;
      }
      const untouched = target.value === "" || target.value === target.dataset.cepFilled;
      if (untouched) {
        target.value = found[name] || "";
        target.dataset.cepFilled = target.value;
        target.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }

  async function lookup(input) {
    const cep = digits(input.value);
    if (cep.length !== 8 || input.dataset.cepLookedUp === cep || !input.form) {
      return;
    }
    input.dataset.cepLookedUp = cep;
    pending.get(input)?.abort();
    const controller = new AbortController();
    pending.set(input, controller);
    input.setAttribute("aria-busy", "true");
    try {
      const url = `${input.dataset.cepLookup}?${new URLSearchParams({ cep })}`;
      const response = await fetch(url, {
        headers: { Accept: "application/json" },
        signal: controller.signal,
      });
      const answer = await response.json().catch(() => ({}));
      if (digits(input.value) !== cep) {
        return; // the shopper has typed another CEP meanwhile
      }
      if (response.ok) {
        fill(input.form, answer);
        say(input, answer.message, "found");
      } else if (response.status === 400 || response.status === 404) {
        say(input, answer.message, "error");
      } else {
        delete input.dataset.cepLookedUp; // ask again next time
        say(input, answer.message, "unavailable");
      }
    } catch (error) {
      if (error.name !== "AbortError") {
        delete input.dataset.cepLookedUp;
        say(input, input.dataset.cepUnavailable || "", "unavailable");
      }
    } finally {
      input.removeAttribute("aria-busy");
    }
  }

  document.addEventListener("input", (event) => {
    const input = event.target.closest("[data-cep-lookup]");
    if (!input) {
      return;
    }
    if (digits(input.value).length === 8) {
      lookup(input);
    } else {
      delete input.dataset.cepLookedUp;
      if (input.parentElement.querySelector("[data-cep-feedback]")) {
        say(input, "", "");
      }
    }
  });
  document.addEventListener("change", (event) => {
    const input = event.target.closest("[data-cep-lookup]");
    if (input) {
      lookup(input);
    }
  });

  // Typing in the address of a saved one makes it another address (the saved one stays as it is).
  document.addEventListener("input", (event) => {
    const form = event.target.form;
    const other = form && form.querySelector("[data-saved-address-new]");
    if (other && ADDRESS.includes(event.target.name) && !other.checked) {
      other.checked = true;
    }
  });

  // Picking a saved address
  document.addEventListener("change", (event) => {
    const choice = event.target.closest("[data-saved-address], [data-saved-address-new]");
    if (!choice || !choice.checked || !choice.form) {
      return;
    }
    const form = choice.form;
    const address = choice.dataset.savedAddress ? JSON.parse(choice.dataset.savedAddress) : {};
    ADDRESS.forEach((name) => {
      const target = field(form, name);
      if (target) {
        target.value = address[name] || "";
        delete target.dataset.cepFilled;
      }
    });
    const cep = field(form, "cep");
    if (cep) {
      cep.dataset.cepLookedUp = digits(cep.value);
      say(cep, "", "");
      if (choice.matches("[data-saved-address-new]")) {
        cep.focus();
      }
    }
  });
})();
