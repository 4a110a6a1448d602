// The event form's repeat chooser: shows the parts that matter for the choice made (every N ...,
// the weekdays of a weekly repeat, how it ends, or the raw rule of a custom one). Without script
// every part shows and the server reads what applies.
(function () {
  "use strict";
  const chooser = document.querySelector("[data-repeat-chooser]");
  if (!chooser) return;
  const repeat = chooser.querySelector("[name=repeat]");
  const ends = chooser.querySelector("[name=ends]");
  function part(name) {
    return chooser.querySelector('[data-repeat-part="' + name + '"]');
  }
  function update() {
    const kind = repeat.value;
    const simple = kind !== "none" && kind !== "custom";
    part("interval").hidden = !simple;
    part("weekdays").hidden = kind !== "weekly";
    part("ends").hidden = !simple;
    part("until").hidden = !simple || ends.value !== "until";
    part("count").hidden = !simple || ends.value !== "count";
    part("rrule").hidden = kind !== "custom";
  }
  repeat.addEventListener("change", update);
  ends.addEventListener("change", update);
  update();
})();
