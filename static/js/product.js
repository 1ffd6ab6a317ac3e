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
    field("sticky-add").disabled = !available;
    field("sticky-price").textContent = variant ? variant.price : "—";
    field("sticky-pix").textContent = variant ? variant.pix : "";
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

  // On a phone, a bar with the price and the add button stays at the bottom of the screen
  // once the buy box has scrolled away.
  const stickyBuy = field("sticky-buy");
  if (stickyBuy && "IntersectionObserver" in window) {
    new IntersectionObserver(([entry]) => {
      const away = !entry.isIntersecting && entry.boundingClientRect.top < 0;
      stickyBuy.hidden = !away;
      document.body.classList.toggle("has-sticky-buy", away);
      if (away) {
        document.body.style.setProperty("--sticky-buy-height", `${stickyBuy.offsetHeight}px`);
      }
    }).observe(field("add-to-cart"));
  }

  // Zoom: on a pointer that hovers, the picture grows under the mouse; a click (or a tap on
  // a phone) opens it in full size, to drag or scroll around.
  const zoomImage = document.querySelector("[data-role=zoom-image]");
  for (const zoom of document.querySelectorAll("[data-zoom]")) {
    const picture = zoom.querySelector("img");
    if (!picture) continue;
    zoom.addEventListener("click", () => {
      zoomImage.src = picture.currentSrc || picture.src;
    });
    if (window.matchMedia("(hover: hover)").matches) {
      zoom.addEventListener("mousemove", (event) => {
        const box = zoom.getBoundingClientRect();
        picture.style.transformOrigin = `${((event.clientX - box.left) / box.width) * 100}% ${((event.clientY - box.top) / box.height) * 100}%`;
        zoom.classList.add("is-zoomed");
      });
      zoom.addEventListener("mouseleave", () => zoom.classList.remove("is-zoomed"));
    }
  }

  for (const thumb of document.querySelectorAll(".gallery__thumb")) {
    thumb.addEventListener("click", () => {
      for (const slide of document.querySelectorAll(".gallery__slide")) {
        slide.classList.toggle("is-active", slide.id === thumb.dataset.slide);
      }
    });
  }
})();
