// The award builder: drag a section, a question (within its section) or a criterion into order.
// Without JavaScript the "Move up" and "Move down" buttons do the same, one place at a time, and
// they stay for keyboard users. The new order is posted as the list of ids; the page then
// reloads, so the preview beside it shows the form as it now is.
"use strict";
{
  const csrf = () => document.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";

  const post = async (list) => {
    const body = new URLSearchParams({ kind: list.dataset.kind, action: "order" });
    if (list.dataset.section) body.append("section", list.dataset.section);
    for (const item of list.children) if (item.dataset.id) body.append("ids", item.dataset.id);
    const response = await fetch(list.dataset.url, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(), "X-Requested-With": "fetch" },
    });
    if (!response.ok) window.alert(await response.text() || "The order could not be saved. Reload the page and try again.");
    window.location.reload();
  };

  const start = () => {
    for (const list of document.querySelectorAll(".plaudit-build-list[data-kind]")) {
      let dragged = null;
      for (const item of list.children) {
        if (!item.dataset.id) continue;
        item.draggable = true;
        item.classList.add("plaudit-draggable");
        item.addEventListener("dragstart", (event) => {
          event.stopPropagation();  // a question is dragged, not the section around it
          dragged = item;
          item.classList.add("plaudit-dragging");
          event.dataTransfer.effectAllowed = "move";
          event.dataTransfer.setData("text/plain", item.dataset.id);
        });
        item.addEventListener("dragend", () => item.classList.remove("plaudit-dragging"));
      }
      list.addEventListener("dragover", (event) => {
        if (!dragged || dragged.parentElement !== list) return;
        event.preventDefault();
        event.stopPropagation();
        const over = event.target.closest(".plaudit-build-item");
        if (!over || over === dragged || over.parentElement !== list) return;
        const box = over.getBoundingClientRect();
        list.insertBefore(dragged, event.clientY < box.top + box.height / 2 ? over : over.nextSibling);
      });
      list.addEventListener("drop", (event) => {
        if (!dragged || dragged.parentElement !== list) return;
        event.preventDefault();
        event.stopPropagation();
        dragged = null;
        post(list);
      });
    }
  };
  document.addEventListener("DOMContentLoaded", start);
}
