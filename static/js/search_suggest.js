// Search suggestions while typing: htmx fetches the list (see the box's hx-* attributes);
// this walks it from the keyboard as a combobox does. Arrow keys move through the options,
// Enter opens the one chosen (or searches the words typed), Escape closes the list.
(() => {
  const listOf = (input) => document.getElementById(input.getAttribute("hx-target").slice(1));
  const optionsOf = (input) => [...listOf(input).querySelectorAll('[role="option"]')];

  const choose = (input, option) => {
    for (const each of optionsOf(input)) {
      const chosen = each === option;
      each.classList.toggle("active", chosen);
      each.setAttribute("aria-selected", String(chosen));
    }
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  };

  const close = (input) => {
    listOf(input).replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  };

  document.addEventListener("keydown", (event) => {
    const input = event.target.closest("[data-search-suggest]");
    if (!input) return;
    const options = optionsOf(input);
    const current = options.findIndex((option) => option.id === input.getAttribute("aria-activedescendant"));
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!options.length) return;
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      const next = current === -1 ? (step === 1 ? 0 : options.length - 1) : (current + step + options.length) % options.length;
      choose(input, options[next]);
    } else if (event.key === "Enter" && current !== -1) {
      event.preventDefault();
      window.location.assign(options[current].href);
    } else if (event.key === "Escape" && options.length) {
      event.preventDefault();
      close(input);
    }
  });

  // A new list: say whether it is open, and choose nothing yet.
  document.addEventListener("htmx:afterSwap", (event) => {
    const input = document.querySelector(`[data-search-suggest][hx-target="#${event.detail.target.id}"]`);
    if (!input) return;
    input.setAttribute("aria-expanded", String(optionsOf(input).length > 0));
    choose(input, null);
  });

  // Leaving the box for anything but its list closes the list.
  document.addEventListener("focusout", (event) => {
    const input = event.target.closest("[data-search-suggest]");
    if (!input) return;
    if (event.relatedTarget && listOf(input).contains(event.relatedTarget)) return;
    close(input);
  });

  // An emptied box asks for nothing: its old list goes.
  document.addEventListener("input", (event) => {
    const input = event.target.closest("[data-search-suggest]");
    if (input && !input.value.trim()) close(input);
  });
})();
