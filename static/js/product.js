// Product page: pick a variant by its attribute values, and browse the gallery.
(() => {
  const buyBox = document.getElementById("buy-box");
  const data = document.getElementById("variant-data");
  if (!buyBox || !data) return;
  const variants = JSON.parse(data.textContent);
  const field = (role) => buyBox.querySelector(`[data-role="${role}"]`);

  const chosenValues = () =>
    [...buyBox.querySelectorAll('[data-role="option"]:checked')].map((input) => Number(input.value));

  const show = (variant) => {
    const available = Boolean(variant && variant.available);
    field("price").textContent = variant ? variant.price : "—";
    field("compare-at").textContent = variant ? variant.compare_at_price : "";
    field("was").classList.toggle("d-none", !(variant && variant.compare_at_price));
    for (const role of ["pix", "installments"]) {
      const label = variant ? variant[role] : "";
      field(`${role}-label`).textContent = label;
      field(role).classList.toggle("d-none", !label);
    }
    field("sku").textContent = variant ? variant.sku : "—";
    field("variant-id").value = variant ? variant.id : "";
    field("add-to-cart").disabled = !available;
    for (const label of field("availability").querySelectorAll("[data-when]")) {
      label.classList.toggle("d-none", (label.dataset.when === "available") !== available);
    }
    buyBox.dispatchEvent(new CustomEvent("variant:change", { detail: { variant, available } }));
  };

  buyBox.addEventListener("change", (event) => {
    if (event.target.dataset.role !== "option") return;
    const chosen = chosenValues();
    show(variants.find((variant) => chosen.every((id) => variant.values.includes(id))));
  });

  for (const thumb of document.querySelectorAll(".gallery__thumb")) {
    thumb.addEventListener("click", () => {
      for (const slide of document.querySelectorAll(".gallery__slide")) {
        slide.classList.toggle("is-active", slide.id === thumb.dataset.slide);
      }
    });
  }
})();
