// Colleges: "choose all" and "none" switches for the bulk enrolment and attendance pages.
document.addEventListener("click", (event) => {
  const all = event.target.closest("[data-check-all]");
  const none = event.target.closest("[data-uncheck-all]");
  const control = all || none;
  if (!control) {
    return;
  }
  const name = all ? all.dataset.checkAll : none.dataset.uncheckAll;
  const checked = all ? (all.type === "checkbox" ? all.checked : true) : false;
  control
    .closest("form")
    .querySelectorAll(`input[type=checkbox][name="${name}"]`)
    .forEach((box) => {
      box.checked = checked;
    });
});
