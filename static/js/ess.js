// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Forms marked data-once disable their submit buttons once sent: no double submission by
  // double click (the server also refuses a replayed form).
  document.querySelectorAll("form[data-once]").forEach((form) => {
    form.addEventListener("submit", () => {
      form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; });
    });
  });
  // Indicators: typing dates selects "custom dates"; choosing a quarter or a year clears them.
  const period = document.getElementById("f-periode");
  const dates = [document.getElementById("f-du"), document.getElementById("f-au")];
  if (period && dates[0] && dates[1]) {
    dates.forEach((input) => input.addEventListener("change", () => {
      if (input.value) { period.value = "personnalisee"; }
    }));
    period.addEventListener("change", () => {
      if (period.value !== "personnalisee") { dates.forEach((input) => { input.value = ""; }); }
    });
  }
});

// Advanced consultations: "Imprimer" on the day sheet (the browser's print works without it).
document.addEventListener("click", (event) => {
  const link = event.target.closest(".js-print");
  if (link) { event.preventDefault(); window.print(); }
});

// A checkbox shows the fields that depend on it ("né(e) à l'étranger": the country instead of
// the commune). Without this file both stay visible; the server reads the checkbox.
function applyToggles(root) {
  root.querySelectorAll("[data-shown-by], [data-hidden-by]").forEach((element) => {
    const box = document.getElementById(element.dataset.shownBy || element.dataset.hiddenBy);
    if (box) { element.hidden = element.dataset.shownBy ? !box.checked : box.checked; }
  });
}
document.addEventListener("DOMContentLoaded", () => applyToggles(document));
document.addEventListener("htmx:load", (event) => applyToggles(event.target));
document.addEventListener("change", (event) => {
  if (event.target.matches("input[type=checkbox]")) { applyToggles(document); }
});
