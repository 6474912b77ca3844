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

// Autosave: a few seconds after typing stops, and whenever a field is left.
// Files are not sent (they upload with the buttons); the server keeps every word as typed.
function autosave(form) {
  const url = form.dataset.autosaveUrl;
  const status = document.getElementById("save-status");
  if (!url || !status) return;
  let timer = null;
  let dirty = false;
  let inFlight = null;
  // Every save from this page carries a rising number, so the server can drop one that arrives late.
  const page = Math.random().toString(36).slice(2) + Date.now().toString(36);
  let sequence = 0;
  const stamp = (data) => {
    sequence += 1;
    data.set("_page", page);
    data.set("_seq", String(sequence));
  };

  // One save at a time: a later change waits for the save before it, so saves never overlap.
  const save = async () => {
    clearTimeout(timer);
    if (inFlight) await inFlight;
    if (!dirty) return;
    dirty = false;
    const data = new FormData(form);
    for (const [name, value] of [...data.entries()]) {
      if (value instanceof File) data.delete(name);
    }
    stamp(data);
    status.textContent = "Saving…";
    inFlight = (async () => {
      try {
        const response = await fetch(url, {
          method: "POST",
          body: data,
          headers: { "X-Requested-With": "fetch" },
          credentials: "same-origin",
        });
        if (response.status === 409) {
          status.textContent = (await response.json()).error;
          return;
        }
        if (response.status === 422) {
          status.textContent = (await response.json()).error;
          return;
        }
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const result = await response.json();
        // Forms with a version check (scorecards) carry the version this save made.
        const version = form.querySelector('input[name="version"]');
        if (version && result.version !== undefined) version.value = String(result.version);
        status.textContent = `Saved at ${result.saved_at}`;
      } catch (error) {
        // Keep the change and try again shortly; the text on the page is never lost.
        dirty = true;
        status.textContent = "Not saved yet: trying again. Your text is still here.";
        timer = setTimeout(save, 5000);
      }
    })();
    await inFlight;
    inFlight = null;
  };

  const changed = (event) => {
    if (event.target.type === "file") return;
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(save, 3000);
  };
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("focusout", (event) => {
    // Leaving a field for one of the form's buttons submits everything anyway.
    if (dirty && !(event.relatedTarget && event.relatedTarget.form === form && event.relatedTarget.type === "submit")) save();
  });
  // Leaving the page (a reload, a closed tab, a sleeping tablet) within the few seconds before an
  // autosave: send what is there with keepalive, which the browser completes after the page has gone.
  const flush = () => {
    if (!dirty || submitting) return;
    dirty = false;
    clearTimeout(timer);
    const data = new FormData(form);
    for (const [name, value] of [...data.entries()]) {
      if (value instanceof File) data.delete(name);
    }
    stamp(data);
    fetch(url, { method: "POST", body: data, keepalive: true, credentials: "same-origin" }).catch(() => {});
  };
  let submitting = false;
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") flush();
  });
  form.addEventListener("submit", async (event) => {
    submitting = true;
    clearTimeout(timer);
    dirty = false;
    if (inFlight) {
      // Let a save on its way finish first, so the buttons send the version it made.
      event.preventDefault();
      await inFlight;
      if (event.submitter && event.submitter.name) {
        const chosen = document.createElement("input");
        chosen.type = "hidden";
        chosen.name = event.submitter.name;
        chosen.value = event.submitter.value;
        form.appendChild(chosen);
      }
      // Not form.submit(): a button named "submit" (the scorecard's) shadows that method.
      HTMLFormElement.prototype.submit.call(form);
      return;
    }
    // The buttons' save is the latest of all: it outranks any autosave still on its way.
    for (const name of ["_page", "_seq"]) {
      let input = form.querySelector(`input[name="${name}"]`);
      if (!input) {
        input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        form.appendChild(input);
      }
    }
    sequence += 1;
    form.querySelector('input[name="_page"]').value = page;
    form.querySelector('input[name="_seq"]').value = String(sequence);
  });
}

document.querySelectorAll("form[data-autosave-url]").forEach(autosave);

// The shortlist pack's page: ask how the pack is getting on, and show the download when it is ready.
function packProgress(element) {
  const url = element.dataset.statusUrl;
  const status = document.getElementById("pack-status");
  const download = document.getElementById("pack-download");
  const refresh = document.getElementById("pack-refresh");
  const poll = async () => {
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      const pack = await response.json();
      status.textContent = pack.status === "running" ? `${pack.label}: ${pack.progress}% done.` : `${pack.label}.`;
      if (pack.status === "done") {
        download.hidden = false;
        if (refresh) refresh.hidden = true;
        return;
      }
      if (pack.status === "failed") {
        status.textContent = "Something went wrong making the file. Reload the page for what to do.";
        return;
      }
    } catch (error) {
      // A dropped connection: try again on the next tick.
    }
    setTimeout(poll, 2000);
  };
  if (download && download.hidden) setTimeout(poll, 1000);
}

document.querySelectorAll("[data-status-url]").forEach(packProgress);

// The running total on the scoring page: the weighted 0-100 total of the scores chosen so far,
// by the same maths as the server (judging/scoring.py card_total): for each criterion with a
// weight and a score (not N/A), the score's place on its scale times the weight, over the
// weights used. The server shows the same sentence for the page as saved.
function runningTotal(form) {
  const data = document.getElementById("criteria-data");
  const out = document.getElementById("running-total");
  if (!data || !out) return;
  const criteria = JSON.parse(data.textContent);
  const update = () => {
    let weighted = 0;
    let weights = 0;
    let scored = 0;
    for (const criterion of criteria) {
      const picked = form.querySelector(`input[name="score-${CSS.escape(criterion.key)}"]:checked`);
      if (!picked || picked.value === "" || picked.value === "na") continue;
      scored += 1;
      if (criterion.weight > 0) {
        weighted += (criterion.weight * (Number(picked.value) - criterion.min)) / (criterion.max - criterion.min);
        weights += criterion.weight;
      }
    }
    const noun = criteria.length === 1 ? "criterion" : "criteria";
    const tail = `, from ${scored} of ${criteria.length} ${noun} scored.`;
    out.textContent = "";
    if (weights === 0) {
      out.append(`Your total so far: none yet (score a criterion that counts)${tail}`);
      return;
    }
    const strong = document.createElement("strong");
    strong.textContent = ((100 * weighted) / weights).toFixed(2);
    out.append("Your total so far: ", strong, ` out of 100${tail}`);
  };
  form.addEventListener("change", update);
  update();
}

document.querySelectorAll("form[data-running-total]").forEach(runningTotal);
