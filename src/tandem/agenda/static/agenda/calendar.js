// The calendar page (agenda/calendar.html): FullCalendar 7 (vendored) reading its settings from the
// #calendar element's data- attributes (no inline script under the Content-Security-Policy).
//
// Times: the server sends every event as a wall-clock time in the reader's own time zone, without
// an offset, and FullCalendar runs in "UTC" as a plain wall clock; what a drag sends back is read by
// the server in the reader's zone again. So the page shows the zone chosen in Tandem's profile, not
// the browser's. Right-to-left and FullCalendar's "fa" locale for Persian readers; for readers of
// the Solar Hijri calendar the titles, day numbers and list headings are Jalali dates (Intl with the
// "persian" calendar) while the grid keeps FullCalendar's own months.
(function () {
  "use strict";

  const element = document.getElementById("calendar");
  if (!element || !window.FullCalendar) return;
  const data = element.dataset;
  const filters = document.getElementById("calendar-filters");
  const filterSelect = document.getElementById("calendar-filter");
  const datedBox = document.getElementById("show-dated");
  const legend = document.getElementById("priority-legend");
  const errorBox = document.getElementById("calendar-error");
  const narrow = window.matchMedia("(max-width: 767.98px)");
  const STORE = "tandem.calendar.filter";

  // -- Solar Hijri formatting ------------------------------------------------------------------
  const jalali = data.jalali === "1";
  const jalaliLocale = (data.locale === "fa" ? "fa-IR" : "en-US") + "-u-ca-persian-nu-" + (data.locale === "fa" ? "arabext" : "latn");
  const formats = {};
  function jalaliFormat(options) {
    const key = JSON.stringify(options);
    if (!formats[key]) formats[key] = new Intl.DateTimeFormat(jalaliLocale, Object.assign({ timeZone: "UTC" }, options));
    return formats[key];
  }
  function markerOf(part) {
    return part && part.marker ? part.marker : new Date(Date.UTC(part.year, part.month, part.day));
  }
  function jalaliTitle(arg) {
    const start = markerOf(arg.start || arg.date);
    const end = arg.end ? new Date(markerOf(arg.end).getTime() - 1) : start;
    const days = (end - start) / 86400000;
    if (days < 1) return jalaliFormat({ weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(start);
    if (days < 10) {
      return jalaliFormat({ day: "numeric", month: "short" }).format(start) + " – " +
        jalaliFormat({ day: "numeric", month: "short", year: "numeric" }).format(end);
    }
    const first = jalaliFormat({ month: "long", year: "numeric" }).format(start);
    const last = jalaliFormat({ month: "long", year: "numeric" }).format(end);
    return first === last ? first : jalaliFormat({ month: "long" }).format(start) + " – " + last;
  }

  // -- where to start and what to ask for -----------------------------------------------------
  let filter = "me";
  try {
    const remembered = window.localStorage.getItem(STORE);
    if (remembered && filterSelect.querySelector('option[value="' + CSS.escape(remembered) + '"]:not([disabled])')) filter = remembered;
  } catch (error) { /* no storage: start with one's own */ }
  filterSelect.value = filter;
  let colour = "calendar";

  const loadedAt = Date.now();
  const serverNow = Date.parse(data.now + "Z");

  function showError(text) {
    errorBox.textContent = text;
    errorBox.classList.remove("d-none");
  }
  function clearError() {
    errorBox.classList.add("d-none");
    errorBox.textContent = "";
  }
  function wallTime(text) {
    // FullCalendar's "2026-12-08T09:00:00Z" is a wall-clock time here: the server reads it so
    return text ? text.replace(/(Z|[+-]\d\d:\d\d)$/, "") : "";
  }
  function describe(conflicts) {
    return (conflicts || []).map((clash) => "• " + clash.title + " (" + clash.occurrence_start.replace("T", " ").slice(0, 16) + " UTC)").join("\n");
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": data.csrf, Accept: "application/json" },
    }).then((response) => response.json().catch(() => ({})).then((answer) => ({ status: response.status, answer: answer })));
  }

  function move(info, resized, confirmed) {
    const event = info.event;
    const props = event.extendedProps;
    const body = new FormData();
    if (props.kind === "dated") {
      body.set("day", event.startStr.slice(0, 10));
    } else {
      if (event.allDay) {
        body.set("all_day", "1");
        body.set("start", event.startStr.slice(0, 10));
        if (resized && event.end) body.set("end", event.endStr.slice(0, 10));
      } else {
        body.set("start", wallTime(event.startStr));
        if ((resized || (info.oldEvent && info.oldEvent.allDay)) && event.end) body.set("end", wallTime(event.endStr));
      }
      if (props.occurrence) body.set("occurrence", props.occurrence);
      body.set("version", props.version);
      if (confirmed) body.set("confirm", "1");
    }
    post(props.moveUrl, body).then(({ status, answer }) => {
      if (status < 300) {
        clearError();
        if (window.tandemToast) window.tandemToast(answer.detail || data.movedText);
        calendar.refetchEvents();
        return;
      }
      if (status === 409 && answer.confirmable && !confirmed) {
        const question = data.confirmText + "\n" + describe(answer.conflicts) + "\n\n" + data.confirmQuestion;
        if (window.confirm(question)) {
          move(info, resized, true);
          return;
        }
      }
      info.revert();
      const listed = answer.confirmable === false ? "\n" + describe(answer.conflicts) : "";
      showError((answer.detail || data.failedText) + listed);
    }).catch(() => {
      info.revert();
      showError(data.failedText);
    });
  }

  const options = {
    timeZone: "UTC",
    now: () => new Date(serverNow + (Date.now() - loadedAt)),
    initialView: narrow.matches ? "listWeek" : "dayGridMonth",
    direction: data.direction || "ltr",
    headerToolbar: {
      start: "prev,next today",
      center: "title",
      end: "dayGridMonth,timeGridWeek,timeGridDay,listWeek",
    },
    nowIndicator: true,
    // no links on day numbers: their accessible name ("Go to …") would not contain their text
    navLinks: false,
    dayMaxEvents: true,
    editable: true,
    eventStartEditable: true,
    eventDurationEditable: true,
    height: "auto",
    eventTimeFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
    eventSources: [
      {
        url: data.eventsUrl,
        extraParams: () => ({ filter: filter, colour: colour, dated: datedBox && datedBox.checked ? "1" : "0" }),
        failure: () => showError(data.failedText),
      },
    ],
    eventDrop: (info) => move(info, false, false),
    eventResize: (info) => move(info, true, false),
    dateClick: (info) => {
      if (!data.newUrl) return;
      const params = new URLSearchParams({ start: info.allDay ? info.dateStr.slice(0, 10) : wallTime(info.dateStr) });
      if (filter.startsWith("resource:")) params.set("resource", filter.slice(9));
      window.location.assign(data.newUrl + "?" + params.toString());
    },
  };
  // the Today button's accessible name is its text ("This month" would not contain "Today")
  options.todayText = data.todayText;
  options.todayHint = () => data.todayText;
  if (data.locale) {
    options.locale = data.locale;
  } else {
    options.listText = data.listText;
  }
  if (jalali) {
    options.titleFormat = jalaliTitle;
    options.dayCellFormat = (arg) => jalaliFormat({ day: "numeric" }).format(markerOf(arg.date));
    options.listDayFormat = (arg) => jalaliFormat({ weekday: "long" }).format(markerOf(arg.date));
    options.listDayAltFormat = (arg) => jalaliFormat({ day: "numeric", month: "long", year: "numeric" }).format(markerOf(arg.date));
    options.dayHeaderFormat = (arg) => {
      const marker = markerOf(arg.date);
      return jalaliFormat({ weekday: "short" }).format(marker) + (calendar && calendar.view && calendar.view.type.startsWith("timeGrid") ? " " + jalaliFormat({ day: "numeric", month: "numeric" }).format(marker) : "");
    };
  }

  const calendar = new window.FullCalendar.Calendar(element, options);
  calendar.render();
  element.classList.add("is-ready");

  narrow.addEventListener("change", (query) => {
    if (query.matches && !calendar.view.type.startsWith("list")) calendar.changeView("listWeek");
  });

  filters.addEventListener("change", (event) => {
    if (event.target === filterSelect) {
      filter = filterSelect.value;
      try { window.localStorage.setItem(STORE, filter); } catch (error) { /* no storage */ }
    }
    if (event.target.name === "colour") {
      colour = event.target.value;
      legend.classList.toggle("d-none", colour !== "priority");
    }
    clearError();
    calendar.refetchEvents();
  });
  filters.addEventListener("submit", (event) => event.preventDefault());
})();
