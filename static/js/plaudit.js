import { initAll } from "../nhsuk/nhsuk-frontend.min.js";

// Shows and hides conditional questions as answers change. The server decides
// what is required and stored, so the form works the same with JavaScript off.
function conditionalQuestions(root) {
  const groups = root.querySelectorAll("[data-show-if-name]");
  if (!groups.length) return;
  const update = () => {
    groups.forEach((group) => {
      const name = group.dataset.showIfName;
      const wanted = group.dataset.showIfEquals;
      const controls = root.querySelectorAll(`[name="${CSS.escape(name)}"]`);
      let current = "";
      controls.forEach((control) => {
        if ((control.type === "radio" || control.type === "checkbox") && control.checked) current = control.value;
        if (control.tagName === "SELECT") current = control.value;
      });
      // A question whose deciding question is itself hidden is hidden too.
      const source = controls[0] && controls[0].closest("[data-show-if-name]");
      const visible = current === wanted && !(source && source.hidden);
      group.hidden = !visible;
    });
  };
  // A chain of conditions settles in as many passes as it has links.
  const settle = () => groups.forEach(update);
  root.addEventListener("change", settle);
  settle();
}

// Module scripts run after the document is parsed.
initAll();
conditionalQuestions(document);
