// The board page. Drag and drop: a card dropped in a column (or on a drop zone: a pipeline's Won,
// Lost and Closed) is sent to the server with its new neighbours; the card stays where it was
// dropped at once (optimistic), and goes back to where it came from, with the server's message,
// when the move is refused (for example a blocked close). The server's answer carries the card as
// it is now (its labels, its figures) and the headers of the two columns (counts and totals).
// Columns fold to a strip (remembered per user and board in localStorage); on a phone one column
// shows at a time, chosen with the tabs above the board.
(function () {
  "use strict";

  const phone = window.matchMedia("(max-width: 575.98px)");

  function csrfToken() {
    const headers = document.body.getAttribute("hx-headers");
    try { return JSON.parse(headers)["X-CSRFToken"]; } catch (e) { return ""; }
  }

  function showError(detail, blocking) {
    const box = document.getElementById("board-alert");
    if (!box) return;
    const alert = document.createElement("div");
    alert.className = "alert alert-danger alert-dismissible";
    alert.textContent = detail;
    if (blocking && blocking.length) {
      const list = document.createElement("ul");
      list.className = "mb-0 mt-1";
      for (const item of blocking) {
        const li = document.createElement("li");
        const a = document.createElement("a");
        a.href = item.url || ("/items/" + item.id + "/");
        a.textContent = item.reference + " " + item.title;
        li.appendChild(a);
        list.appendChild(li);
      }
      alert.appendChild(list);
    }
    const close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("data-bs-dismiss", "alert");
    close.setAttribute("aria-label", "Close");
    alert.appendChild(close);
    box.replaceChildren(alert);
  }

  function neighbour(card, direction) {
    let node = direction < 0 ? card.previousElementSibling : card.nextElementSibling;
    while (node && !node.classList.contains("board-card")) {
      node = direction < 0 ? node.previousElementSibling : node.nextElementSibling;
    }
    return node;
  }

  // the tab of a column shows its count too (on a phone)
  function syncTab(columnId) {
    const badge = document.querySelector("#column-" + columnId + "-header .column-count");
    const tab = document.querySelector(".board-tab[data-column='" + columnId + "'] .column-count");
    if (badge && tab) tab.textContent = badge.textContent;
  }

  function bump(container, delta) {
    const badge = container.closest("section").querySelector(".column-count");
    if (!badge) return;
    const count = parseInt(badge.textContent.replace(/[^0-9]/g, ""), 10) || 0;
    badge.textContent = String(Math.max(0, count + delta));
    syncTab(container.dataset.column);
  }

  function putBack(evt) {
    const card = evt.item;
    const from = evt.from;
    const cards = Array.from(from.children).filter((el) => el !== card && el.classList.contains("board-card"));
    const anchor = cards[evt.oldDraggableIndex] || from.querySelector(".load-more");
    from.insertBefore(card, anchor || null);
  }

  function fromHtml(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    return template.content;
  }

  // the server's answer to a drop: the card as it is now, the two columns' headers
  function refresh(card, to, answer) {
    for (const [columnId, html] of Object.entries(answer.headers || {})) {
      const header = document.getElementById("column-" + columnId + "-header");
      if (!header) continue;
      header.replaceChildren(fromHtml(html));
      header.classList.toggle("over-limit", !!header.querySelector(".column-limit.text-danger"));
      syncTab(columnId);
      setupToggles(document.getElementById("board"));
    }
    if (to.dataset.zone) {
      card.remove(); // a drop zone shows no cards: its header counts them
      return;
    }
    const fresh = answer.card && fromHtml(answer.card).querySelector(".board-card");
    if (fresh) {
      card.replaceWith(fresh);
      if (window.htmx) window.htmx.process(fresh);
    }
  }

  async function onEnd(evt) {
    const board = document.getElementById("board");
    board.classList.remove("dragging");
    if (evt.from === evt.to && evt.oldDraggableIndex === evt.newDraggableIndex) return;
    const card = evt.item;
    const body = new URLSearchParams({ column: evt.to.dataset.column, filters: board.dataset.filterQuery || "" });
    if (!evt.to.dataset.zone) {
      // on a drop zone the card goes to the top of its column; elsewhere between its neighbours
      const before = neighbour(card, -1);
      const after = neighbour(card, 1);
      if (before) body.set("after", before.dataset.item);
      else if (after) body.set("before", after.dataset.item);
    }
    const url = board.dataset.moveUrl.replace("/0/", "/" + card.dataset.item + "/");
    card.setAttribute("aria-busy", "true");
    let answer = null;
    let ok = false;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
        body: body,
        credentials: "same-origin",
      });
      ok = response.ok;
      answer = await response.json().catch(() => null);
    } catch (e) {
      const texts = document.getElementById("board-alert").dataset;
      answer = { detail: texts.unreachableText || "The server could not be reached; the card was put back." };
    }
    card.removeAttribute("aria-busy");
    if (!ok) {
      putBack(evt);
      const refused = document.getElementById("board-alert").dataset.refusedText || "The move was refused.";
      showError((answer && answer.detail) || refused, answer && answer.blocking);
      return;
    }
    card.dataset.state = answer.state;
    if (answer.headers) {
      refresh(card, evt.to, answer);
    } else if (evt.from !== evt.to) {
      bump(evt.from, -1);
      bump(evt.to, +1);
    }
  }

  // --- Folding columns --------------------------------------------------------------------------

  function storageKey(board, what) {
    return "tandem:board:" + (board.dataset.user || "") + ":" + board.dataset.board + ":" + what;
  }

  function load(board, what) {
    try { return JSON.parse(window.localStorage.getItem(storageKey(board, what))); } catch (e) { return null; }
  }

  function save(board, what, value) {
    try { window.localStorage.setItem(storageKey(board, what), JSON.stringify(value)); } catch (e) { /* private mode */ }
  }

  function setCollapsed(section, collapsed) {
    section.classList.toggle("collapsed", collapsed);
    const button = section.querySelector(".column-toggle");
    if (button) button.setAttribute("aria-expanded", collapsed ? "false" : "true");
  }

  function setupToggles(board) {
    if (!board) return;
    const folded = new Set((load(board, "collapsed") || []).map(String));
    const tabbed = board.classList.contains("tabbed");
    for (const section of board.querySelectorAll(".board-column")) {
      const button = section.querySelector(".column-toggle");
      if (!button) continue;
      button.hidden = false;
      setCollapsed(section, !tabbed && folded.has(section.dataset.column));
      if (button.dataset.ready) continue;
      button.dataset.ready = "1";
      button.addEventListener("click", () => {
        const now = new Set((load(board, "collapsed") || []).map(String));
        const collapse = !section.classList.contains("collapsed");
        if (collapse) now.add(section.dataset.column); else now.delete(section.dataset.column);
        save(board, "collapsed", Array.from(now));
        setCollapsed(section, collapse);
      });
    }
  }

  // --- One column at a time on a phone -------------------------------------------------------------

  function selectTab(board, tabs, columnId, focus) {
    for (const tab of tabs.querySelectorAll(".board-tab")) {
      const chosen = tab.dataset.column === String(columnId);
      tab.setAttribute("aria-selected", chosen ? "true" : "false");
      tab.tabIndex = chosen ? 0 : -1;
      if (chosen && focus) tab.focus();
      if (chosen) tab.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
    for (const section of board.querySelectorAll(".board-column")) {
      section.classList.toggle("is-current", section.dataset.column === String(columnId));
    }
  }

  function setupTabs(board) {
    const tabs = document.querySelector(".board-tabs");
    if (!board || !tabs) return;
    const all = Array.from(tabs.querySelectorAll(".board-tab"));
    const sections = board.querySelectorAll(".board-column");
    if (!phone.matches || !all.length) {
      tabs.hidden = true;
      board.classList.remove("tabbed");
      for (const section of sections) {
        section.removeAttribute("role");
        section.setAttribute("aria-labelledby", "column-" + section.dataset.column + "-name");
        section.classList.remove("is-current");
      }
      return;
    }
    tabs.hidden = false;
    board.classList.add("tabbed");
    for (const section of sections) {
      section.setAttribute("role", "tabpanel");
      section.setAttribute("aria-labelledby", "column-" + section.dataset.column + "-tab");
    }
    const stored = String(load(board, "tab") || "");
    const count = (tab) => parseInt(tab.querySelector(".column-count").textContent.replace(/[^0-9]/g, ""), 10) || 0;
    const first = all.find((tab) => tab.dataset.column === stored) || all.find((tab) => count(tab) > 0) || all[0];
    selectTab(board, tabs, first.dataset.column, false);
    if (tabs.dataset.ready) return;
    tabs.dataset.ready = "1";
    tabs.addEventListener("click", (evt) => {
      const tab = evt.target.closest(".board-tab");
      if (!tab) return;
      const current = document.getElementById("board");
      save(current, "tab", tab.dataset.column);
      selectTab(current, tabs, tab.dataset.column, false);
    });
    tabs.addEventListener("keydown", (evt) => {
      const list = Array.from(tabs.querySelectorAll(".board-tab"));
      const index = list.indexOf(document.activeElement);
      if (index < 0) return;
      const rtl = document.documentElement.dir === "rtl";
      const step = { ArrowRight: rtl ? -1 : 1, ArrowLeft: rtl ? 1 : -1 }[evt.key];
      let next = null;
      if (step) next = list[(index + step + list.length) % list.length];
      else if (evt.key === "Home") next = list[0];
      else if (evt.key === "End") next = list[list.length - 1];
      if (!next) return;
      evt.preventDefault();
      const current = document.getElementById("board");
      save(current, "tab", next.dataset.column);
      selectTab(current, tabs, next.dataset.column, true);
    });
  }

  // --- Start --------------------------------------------------------------------------------------

  function init() {
    const board = document.getElementById("board");
    if (!board) return;
    setupTabs(board);
    setupToggles(board);
    if (board.dataset.canEdit !== "1" || typeof Sortable === "undefined") return;
    for (const list of board.querySelectorAll(".board-column-cards")) {
      if (list.dataset.sortable) continue;
      list.dataset.sortable = "1";
      Sortable.create(list, {
        group: { name: "board", pull: !list.dataset.zone, put: true },
        sort: !list.dataset.zone,
        animation: 120,
        draggable: ".board-card",
        filter: ".dropdown, .dropdown-menu",
        preventOnFilter: false,
        onStart: () => board.classList.add("dragging"),
        onEnd: onEnd,
      });
    }
  }

  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:afterSettle", init);
  document.addEventListener("tandem:refreshed", init);
  phone.addEventListener("change", init);
})();
