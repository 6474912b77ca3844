// The admin's autocomplete (Select2) names its combobox only by the chosen value, so an empty one
// has no accessible name (axe: aria-input-field-name). Name it by the field's label as well.
"use strict";
{
  const name = () => {
    for (const selection of document.querySelectorAll(".select2-selection[role=combobox]")) {
      const select = selection.closest(".select2-container")?.previousElementSibling;
      const label = select && select.id ? document.querySelector(`label[for="${select.id}"]`) : null;
      if (!label || selection.dataset.plauditNamed) continue;
      label.id = label.id || `${select.id}-label`;
      const shown = selection.getAttribute("aria-labelledby");
      selection.setAttribute("aria-labelledby", shown ? `${label.id} ${shown}` : label.id);
      // The chosen value inside it is a read-only textbox of its own, unnamed too.
      for (const value of selection.querySelectorAll("[role=textbox]")) value.setAttribute("aria-labelledby", label.id);
      selection.dataset.plauditNamed = "1";
    }
  };
  // After the admin's own start-up (jQuery's ready handlers, registered earlier, run first).
  document.addEventListener("DOMContentLoaded", () => setTimeout(name));
  window.addEventListener("load", name);
  document.addEventListener("formset:added", () => setTimeout(name));
}
