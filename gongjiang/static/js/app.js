// Gongjiang: behaviour that would otherwise need inline script (forbidden by the CSP).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});
// Progress bars take their width from a data attribute, since inline styles are not allowed.
function applyProgress(root) {
  root.querySelectorAll("[data-progress]").forEach((bar) => {
    bar.style.width = `${bar.dataset.progress}%`;
  });
}
document.addEventListener("DOMContentLoaded", () => applyProgress(document));
document.addEventListener("htmx:afterSwap", (event) => applyProgress(event.target));
// A "select all" box ticks every row box of its form (bulk actions).
document.addEventListener("change", (event) => {
  const all = event.target.closest("[data-select-all]");
  if (!all) return;
  all.form.querySelectorAll(`input[type=checkbox][name="${all.dataset.selectAll}"]:not(:disabled)`).forEach((box) => {
    box.checked = all.checked;
  });
});
