// The rituals' pages: choosing another occurrence shows it at once (the form's button does the
// same without JavaScript). Nothing runs inline, for the Content-Security-Policy.
(function () {
  "use strict";
  document.querySelectorAll("form[data-autosubmit] select").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
})();
