// The design system's behaviour (docs/design.md): toasts that confirm a save, and typeahead
// pickers for selects that could hold thousands of rows. Loaded on every page, after Bootstrap
// and Tom Select (all deferred, in document order); nothing here runs inline, for the
// Content-Security-Policy.
(function () {
  "use strict";

  // -- toasts: every [data-tandem-toast] on the page shows for a few seconds, then hides --------
  function showToast(element) {
    if (!window.bootstrap) return;
    window.bootstrap.Toast.getOrCreateInstance(element, { delay: 5000 }).show();
    element.addEventListener("hidden.bs.toast", () => element.remove());
  }

  // A toast from script, e.g. after an htmx request whose answer carries
  // `HX-Trigger: {"tandem:toast": "Saved."}`.
  function toast(text) {
    const template = document.getElementById("toast-template");
    const container = document.getElementById("toasts");
    if (!template || !container || !text) return;
    const element = template.content.firstElementChild.cloneNode(true);
    element.querySelector(".toast-body").textContent = String(text);
    container.appendChild(element);
    showToast(element);
  }
  window.tandemToast = toast;

  document.body.addEventListener("tandem:toast", (event) => {
    const detail = event.detail;
    toast(detail && typeof detail === "object" ? detail.value : detail);
  });

  // -- pickers: <select data-picker="/pick/organization/"> searches the server as one types -------
  function picker(select) {
    if (select.tomselect || !window.TomSelect) return;
    const url = select.dataset.picker;
    // Tom Select points the <label> at its own text box; the select it hides keeps the name too
    const label = select.id && document.querySelector(`label[for="${CSS.escape(select.id)}"]`);
    if (label && !select.hasAttribute("aria-label")) select.setAttribute("aria-label", label.textContent.trim());
    new window.TomSelect(select, {
      valueField: "value",
      labelField: "text",
      searchField: ["text"],
      maxOptions: 20,
      loadThrottle: 250,
      plugins: select.multiple ? ["remove_button"] : [],
      // what the server found is the answer: no second filtering by the words typed
      score: () => () => 1,
      shouldLoad: (query) => query.trim().length >= 1,
      load: (query, done) => {
        const separator = url.includes("?") ? "&" : "?";
        fetch(`${url}${separator}q=${encodeURIComponent(query)}`, {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
          .then((answer) => (answer.ok ? answer.json() : { results: [] }))
          .then((data) => done(data.results || []))
          .catch(() => done());
      },
      render: {
        no_results: () => `<div class="no-results">${escape(select.dataset.pickerEmpty || "—")}</div>`,
      },
    });
  }

  function escape(text) {
    const span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  function enhance(root) {
    root.querySelectorAll("[data-tandem-toast]").forEach(showToast);
    root.querySelectorAll("select[data-picker]").forEach(picker);
  }

  // a button that shows a toast (the design page's example)
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-toast-text]");
    if (button) toast(button.dataset.toastText);
  });

  enhance(document);
  document.body.addEventListener("htmx:afterSettle", (event) => enhance(event.target));
})();
