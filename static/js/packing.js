// Packing: choosing a box fills the parcel's measures with the box's and its weight with the
// items' plus the box's own; the packer corrects them after weighing and measuring. The form
// is swapped by htmx after every scan, so the listeners sit on the document.
function chosenBox(form) {
  const select = form.querySelector("[data-box-select]");
  const box = select && select.selectedOptions[0];
  return box && box.dataset.lengthCm ? box : null;
}

function showTare(form) {
  const tare = form.querySelector("[data-box-tare]");
  const box = chosenBox(form);
  if (tare) {
    tare.textContent = box ? box.dataset.tareGrams : "—";
  }
}

document.addEventListener("change", (event) => {
  const select = event.target.closest("[data-box-select]");
  if (!select || !select.form) {
    return;
  }
  const form = select.form;
  const box = chosenBox(form);
  showTare(form);
  if (!box) {
    return;
  }
  form.querySelector("[name=length_cm]").value = box.dataset.lengthCm;
  form.querySelector("[name=width_cm]").value = box.dataset.widthCm;
  form.querySelector("[name=height_cm]").value = box.dataset.heightCm;
  const items = Number(form.dataset.itemsGrams || 0);
  form.querySelector("[name=weight_grams]").value = items + Number(box.dataset.tareGrams);
});

// A form the server sent back (a scan, a refusal) shows the chosen box's weight again.
function showTares() {
  document.querySelectorAll("form[data-items-grams]").forEach(showTare);
}
document.addEventListener("DOMContentLoaded", showTares);
document.addEventListener("htmx:afterSettle", showTares);
