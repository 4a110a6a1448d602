// Live updates: /live/ answers each poll (htmx, see notifications/partials/live.html) and raises
// "tandem:changed" when someone else changed what this page shows. The page then fetches itself
// again and swaps in the fresh #live-region, unless the reader is busy in it (typing, dragging,
// a menu open): then a note offers to show the changes.
(function () {
  "use strict";

  function busy(region) {
    const active = document.activeElement;
    if (active && region.contains(active) && active.matches("input, textarea, select, [contenteditable]")) return true;
    if (region.querySelector(".sortable-chosen, .sortable-ghost, .dropdown-menu.show, [aria-busy='true']")) return true;
    for (const field of region.querySelectorAll("textarea, input[type=text], input[type=search]")) {
      if (field.value !== field.defaultValue) return true;
    }
    return document.querySelector(".modal.show") !== null;
  }

  function banner(show) {
    let note = document.getElementById("live-banner");
    if (!show) {
      if (note) note.remove();
      return;
    }
    if (note) return;
    const region = document.getElementById("live-region");
    note = document.createElement("div");
    note.id = "live-banner";
    note.className = "alert alert-info d-flex align-items-center gap-2 py-2";
    note.setAttribute("role", "status");
    const text = document.createElement("span");
    text.className = "me-auto";
    text.textContent = region.dataset.changedText || "Someone else changed this page.";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-sm btn-primary";
    button.textContent = region.dataset.showText || "Show the changes";
    button.addEventListener("click", () => refresh(true));
    note.append(text, button);
    region.parentNode.insertBefore(note, region);
  }

  let refreshing = false;

  async function refresh(force) {
    const region = document.getElementById("live-region");
    if (!region || refreshing) return;
    if (!force && busy(region)) {
      banner(true);
      return;
    }
    refreshing = true;
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin", headers: { "X-Tandem-Live": "1" } });
      if (!response.ok) return;
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = doc.getElementById("live-region");
      if (!fresh) return;
      region.innerHTML = fresh.innerHTML;
      banner(false);
      if (window.htmx) window.htmx.process(region);
      document.dispatchEvent(new CustomEvent("tandem:refreshed", { detail: { region: region } }));
    } catch (e) {
      // the next change tries again
    } finally {
      refreshing = false;
    }
  }

  document.body.addEventListener("tandem:changed", () => refresh(false));
})();
