// Avise-me follows the product page's variant picker: shown while the chosen variant is sold
// out, for that variant; a variant already asked for shows the confirmation instead.
(() => {
  const buyBox = document.getElementById("buy-box");
  if (!buyBox) return;
  buyBox.addEventListener("variant:change", (event) => {
    const box = document.getElementById("stock-alert");
    if (!box) return;
    const { variant, available } = event.detail;
    box.classList.toggle("d-none", !variant || available);
    if (!variant) return;
    box.querySelector('[data-role="stock-alert-variant"]').value = variant.id;
    const done = box.dataset.doneVariant === String(variant.id);
    box.querySelector('[data-role="stock-alert-done"]').classList.toggle("d-none", !done);
    box.querySelector('[data-role="stock-alert-form"]').classList.toggle("d-none", done);
  });
})();
