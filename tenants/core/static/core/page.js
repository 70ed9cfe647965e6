// Behaviour shared by every page, kept out of the HTML so that the Content-Security-Policy
// allows no inline script: a <select data-submit-on-change> sends its form when it changes.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    const field = event.target.closest("[data-submit-on-change]");
    if (field && field.form) {
      field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
    }
  });
})();
