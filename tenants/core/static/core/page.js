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

// A page sent back with errors: the focus moves to the summary of errors at the top of the
// form (role=alert, see core/_error_summary.html), so that a screen reader reads it and the
// next Tab goes on from there; each of its links moves the focus to the field to correct.
(function () {
  "use strict";
  function focusSummary() {
    const summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
  document.addEventListener("click", function (event) {
    const link = event.target.closest("a[data-error-link]");
    if (!link) return;
    const field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    const closed = field.closest("details:not([open])");
    if (closed) closed.open = true;
    field.focus();
    field.scrollIntoView({ block: "center" });
  });
})();

// A form marked data-once is sent once: a second click while the server works (producing
// documents takes seconds when the converter is cold) would send it again. Its button is
// disabled and says so (data-busy-text); back from the browser's cache, it is usable again.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    const form = event.target.closest("form[data-once]");
    if (!form || event.defaultPrevented) return;
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "1";
    form.setAttribute("aria-busy", "true");
    const button = form.querySelector("button");
    if (!button) return;
    button.dataset.idleText = button.textContent;
    if (form.dataset.busyText) button.textContent = form.dataset.busyText;
    // After the submission has left: a disabled button would not send its own name.
    window.setTimeout(function () {
      button.disabled = true;
    }, 0);
  });
  window.addEventListener("pageshow", function () {
    // Every such form, not only those marked sent: Firefox keeps a disabled button across a
    // reload, where the mark is gone.
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      delete form.dataset.sent;
      form.removeAttribute("aria-busy");
      const button = form.querySelector("button");
      if (button) {
        button.disabled = false;
        if (button.dataset.idleText) button.textContent = button.dataset.idleText;
      }
    });
  });
})();

// A formset's "Add a line" button (data-formset-add="<prefix>"): a copy of its empty form
// (<template id="<prefix>-empty">) numbered next, added to [data-formset="<prefix>"], up to
// the formset's maximum. Without JavaScript the button stays hidden and the page's empty
// lines are the ones there are.
(function () {
  "use strict";
  function reveal() {
    document.querySelectorAll("[data-formset-add]").forEach(function (button) {
      button.hidden = false;
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", reveal);
  } else {
    reveal();
  }
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-formset-add]");
    if (!button) return;
    const prefix = button.getAttribute("data-formset-add");
    const total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    const most = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    const empty = document.getElementById(prefix + "-empty");
    const holder = document.querySelector('[data-formset="' + prefix + '"]');
    if (!total || !empty || !holder) return;
    const index = parseInt(total.value, 10);
    if (most && index >= parseInt(most.value, 10)) return;
    holder.insertAdjacentHTML(
      "beforeend",
      empty.innerHTML.replace(/__prefix__/g, String(index)).replace(/__number__/g, String(index + 1))
    );
    total.value = String(index + 1);
    const added = holder.lastElementChild;
    if (window.htmx) window.htmx.process(added);
    // What comes with htmx is announced so (suggest.js makes its fields comboboxes then);
    // htmx.process alone does not say it.
    added.dispatchEvent(new CustomEvent("htmx:load", { bubbles: true }));
    const first = added.querySelector(
      "input:not([type=hidden]):not([type=checkbox]), select, textarea"
    );
    if (first) first.focus();
  });
})();
