// Date inputs in the Solar Hijri calendar, for people who chose it in their profile (base.html loads
// this only for them). Every <input type="date"> becomes a text field showing the Jalali date
// (1403/01/01) with the vendored JalaliDatePicker beside it, while the original input, now hidden,
// keeps its name and is what the form sends: the ISO (Gregorian) date the server stores, as for
// everyone else. A date typed by hand (Latin or Persian digits, with / - or .) is converted too; a
// text that is no date is sent as it is, so the form says it is not a valid date.
(function () {
  "use strict";

  // The Jalali <-> Gregorian arithmetic of jalaali-js (MIT, Behrang Noruzi Niya), the one the
  // picker itself draws its months with, so the grid and the submitted date always agree.
  const BREAKS = [-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324, 2394, 2456, 3178];
  const div = (a, b) => ~~(a / b);
  const mod = (a, b) => a - ~~(a / b) * b;

  function jalCal(jy) {
    const gy = jy + 621;
    let leapJ = -14;
    let jp = BREAKS[0];
    let jump = 0;
    if (jy < jp || jy >= BREAKS[BREAKS.length - 1]) return null;
    for (let i = 1; i < BREAKS.length; i += 1) {
      const jm = BREAKS[i];
      jump = jm - jp;
      if (jy < jm) break;
      leapJ = leapJ + div(jump, 33) * 8 + div(mod(jump, 33), 4);
      jp = jm;
    }
    let n = jy - jp;
    leapJ = leapJ + div(n, 33) * 8 + div(mod(n, 33) + 3, 4);
    if (mod(jump, 33) === 4 && jump - n === 4) leapJ += 1;
    const leapG = div(gy, 4) - div((div(gy, 100) + 1) * 3, 4) - 150;
    const march = 20 + leapJ - leapG;
    if (jump - n < 6) n = n - jump + div(jump + 4, 33) * 33;
    let leap = mod(mod(n + 1, 33) - 1, 4);
    if (leap === -1) leap = 4;
    return { leap: leap, gy: gy, march: march };
  }

  function g2d(gy, gm, gd) {
    let d = div((gy + div(gm - 8, 6) + 100100) * 1461, 4) + div(153 * mod(gm + 9, 12) + 2, 5) + gd - 34840408;
    return d - div(div(gy + 100100 + div(gm - 8, 6), 100) * 3, 4) + 752;
  }

  function d2g(jdn) {
    let j = 4 * jdn + 139361631;
    j = j + div(div(4 * jdn + 183187720, 146097) * 3, 4) * 4 - 3908;
    const i = div(mod(j, 1461), 4) * 5 + 308;
    const gd = div(mod(i, 153), 5) + 1;
    const gm = mod(div(i, 153), 12) + 1;
    const gy = div(j, 1461) - 100100 + div(8 - gm, 6);
    return [gy, gm, gd];
  }

  function monthLength(jy, jm) {
    if (jm <= 6) return 31;
    if (jm <= 11) return 30;
    return jalCal(jy).leap === 0 ? 30 : 29;
  }

  function toGregorian(jy, jm, jd) {
    const cal = jalCal(jy);
    if (!cal || jm < 1 || jm > 12 || jd < 1 || jd > monthLength(jy, jm)) return null;
    return d2g(g2d(cal.gy, 3, cal.march) + (jm - 1) * 31 - div(jm, 7) * (jm - 7) + jd - 1);
  }

  function toJalali(gy, gm, gd) {
    const jdn = g2d(gy, gm, gd);
    let jy = d2g(jdn)[0] - 621;
    const cal = jalCal(jy);
    if (!cal) return null;
    let k = jdn - g2d(cal.gy, 3, cal.march);
    if (k >= 0) {
      if (k <= 185) return [jy, 1 + div(k, 31), mod(k, 31) + 1];
      k -= 186;
    } else {
      jy -= 1;
      k += 179;
      if (cal.leap === 1) k += 1;
    }
    return [jy, 7 + div(k, 30), mod(k, 30) + 1];
  }

  const pad = (n, width) => String(n).padStart(width, "0");
  const DIGITS = { "۰": 0, "۱": 1, "۲": 2, "۳": 3, "۴": 4, "۵": 5, "۶": 6, "۷": 7, "۸": 8, "۹": 9, "٠": 0, "١": 1, "٢": 2, "٣": 3, "٤": 4, "٥": 5, "٦": 6, "٧": 7, "٨": 8, "٩": 9 };

  // "1403/01/01" (or ۱۴۰۳-۱-۱) -> "2024-03-20"; "" -> ""; anything else -> null
  function isoOf(text) {
    const latin = text.trim().replace(/[۰-۹٠-٩]/g, (d) => String(DIGITS[d]));
    if (!latin) return "";
    const parts = latin.match(/^(\d{4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})$/);
    if (!parts) return null;
    const g = toGregorian(Number(parts[1]), Number(parts[2]), Number(parts[3]));
    return g ? `${pad(g[0], 4)}-${pad(g[1], 2)}-${pad(g[2], 2)}` : null;
  }

  // "2024-03-20" -> "1403/01/01"; anything else -> ""
  function jalaliOf(iso) {
    const parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    const j = parts && toJalali(Number(parts[1]), Number(parts[2]), Number(parts[3]));
    return j ? `${pad(j[0], 4)}/${pad(j[1], 2)}/${pad(j[2], 2)}` : "";
  }

  // the attributes the shown field takes over from the date input (the label points at its id)
  const CARRIED = ["id", "class", "aria-label", "aria-describedby", "aria-invalid", "title", "required", "disabled", "autofocus"];

  function enhance(input) {
    if (input.dataset.jalali !== undefined) return;
    const shown = document.createElement("input");
    shown.type = "text";
    shown.setAttribute("inputmode", "numeric");
    shown.setAttribute("autocomplete", "off");
    shown.setAttribute("data-jdp", "");
    shown.dataset.jalaliFor = input.name;
    if (hint) shown.placeholder = hint;
    for (const name of CARRIED) {
      if (input.hasAttribute(name)) {
        shown.setAttribute(name, input.getAttribute(name));
        if (name === "id") input.setAttribute("id", `${input.id}-iso`);
      }
    }
    shown.value = jalaliOf(input.value);
    input.dataset.jalali = "";
    input.type = "hidden";
    input.removeAttribute("required");
    input.removeAttribute("autofocus");
    input.after(shown);
    const sync = () => {
      const iso = isoOf(shown.value);
      input.value = iso === null ? shown.value : iso; // not a date: the server says so
    };
    shown.addEventListener("input", sync);
    shown.addEventListener("change", sync);
  }

  function enhanceAll(root) {
    if (root.matches && root.matches('input[type="date"]')) enhance(root);
    if (root.querySelectorAll) root.querySelectorAll('input[type="date"]').forEach(enhance);
  }

  const script = document.currentScript;
  const hint = script ? script.dataset.formatHint || "" : "";
  const LATIN_MONTHS = ["Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar", "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand"];

  // for tests and for other scripts: the conversion the fields use
  window.tandemJalali = { isoOf: isoOf, jalaliOf: jalaliOf };

  function start() {
    enhanceAll(document.body);
    // content htmx or the live updates put in later has its date inputs converted as it arrives
    new MutationObserver((records) => {
      for (const record of records) record.addedNodes.forEach((node) => node.nodeType === 1 && enhanceAll(node));
    }).observe(document.body, { childList: true, subtree: true });
    if (!window.jalaliDatepicker) return; // the fields still take typed dates
    const options = { autoReadOnlyInput: false, zIndex: 1060, persianDigits: false };
    if (document.documentElement.lang !== "fa") options.months = LATIN_MONTHS;
    window.jalaliDatepicker.startWatch(options);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
