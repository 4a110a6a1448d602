// Drag and drop on a board. A card dropped in a column is sent to the server with its new
// neighbours; the card stays where it was dropped at once (optimistic), and goes back to where it
// came from, with the server's message, when the move is refused (for example a blocked close).
(function () {
  "use strict";

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

  function bump(container, delta) {
    const badge = container.closest(".board-column").querySelector(".column-count");
    if (!badge) return;
    const count = parseInt(badge.textContent.replace(/[^0-9]/g, ""), 10) || 0;
    badge.textContent = String(Math.max(0, count + delta));
  }

  function putBack(evt) {
    const card = evt.item;
    const from = evt.from;
    const cards = Array.from(from.children).filter((el) => el !== card && el.classList.contains("board-card"));
    const anchor = cards[evt.oldDraggableIndex] || from.querySelector(".load-more");
    from.insertBefore(card, anchor || null);
  }

  async function onEnd(evt) {
    if (evt.from === evt.to && evt.oldDraggableIndex === evt.newDraggableIndex) return;
    const board = document.getElementById("board");
    const card = evt.item;
    const before = neighbour(card, -1);
    const after = neighbour(card, 1);
    const body = new URLSearchParams({ column: evt.to.dataset.column });
    if (before) body.set("after", before.dataset.item);
    else if (after) body.set("before", after.dataset.item);
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
    if (evt.from !== evt.to) {
      bump(evt.from, -1);
      bump(evt.to, +1);
    }
    card.dataset.state = answer.state;
  }

  function init(root) {
    const board = root.querySelector ? root.querySelector("#board") || (root.id === "board" ? root : null) : null;
    if (!board || board.dataset.canEdit !== "1" || typeof Sortable === "undefined") return;
    for (const list of board.querySelectorAll(".board-column-cards")) {
      if (list.dataset.sortable) continue;
      list.dataset.sortable = "1";
      Sortable.create(list, {
        group: "board",
        animation: 120,
        draggable: ".board-card",
        filter: ".dropdown, .dropdown-menu",
        preventOnFilter: false,
        onEnd: onEnd,
      });
    }
  }

  document.addEventListener("DOMContentLoaded", () => init(document));
  document.addEventListener("htmx:afterSettle", (evt) => init(evt.detail.elt.ownerDocument || document));
  document.addEventListener("tandem:refreshed", () => init(document));
})();
