// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Forms marked data-once disable their submit buttons once sent: no double submission by
  // double click (the server also refuses a replayed form).
  document.querySelectorAll("form[data-once]").forEach((form) => {
    form.addEventListener("submit", () => {
      form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; });
    });
  });
});

// Advanced consultations: "Imprimer" on the day sheet (the browser's print works without it).
document.addEventListener("click", (event) => {
  const link = event.target.closest(".js-print");
  if (link) { event.preventDefault(); window.print(); }
});
