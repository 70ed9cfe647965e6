// List pages: resizable columns (widths saved per person and page) and the column chooser's
// up/down buttons. Plain JavaScript, served by the product; re-run after each htmx swap.
(function () {
  "use strict";

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function saveWidth(url, column, width) {
    fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ [column]: Math.round(width) }),
      credentials: "same-origin",
    });
  }

  const MIN_WIDTH = 40;
  const MAX_WIDTH = 800;

  // The separator's value, as a screen reader says it: the width in pixels ("150 px").
  function setWidthValue(handle, width) {
    const rounded = Math.round(width);
    handle.setAttribute("aria-valuenow", String(rounded));
    handle.setAttribute("aria-valuetext", rounded + " px");
  }

  // The element holding a header's title (its sort link, else its words, wrapped), with an id.
  function titleOf(th) {
    let title = th.querySelector("a");
    if (!title) {
      title = document.createElement("span");
      while (th.firstChild) title.appendChild(th.firstChild);
      th.appendChild(title);
    }
    if (!title.id) title.id = "column-title-" + th.dataset.column;
    return title;
  }

  function makeResizable(root) {
    root.querySelectorAll("[data-widths-url]").forEach(function (holder) {
      const url = holder.dataset.widthsUrl;
      holder.querySelectorAll("th[data-column]").forEach(function (th) {
        if (th.querySelector(".col-resize")) return;
        const handle = document.createElement("span");
        handle.className = "col-resize";
        // The keyboard's way (WAI-ARIA window splitter): Tab to the column's edge, arrows.
        const name = (th.querySelector("a") || th).textContent.trim();
        // A header is named from its content, which would take the separator's label in too
        // ("Value Width of the column Value..."): it is named by its title alone.
        th.setAttribute("aria-labelledby", titleOf(th).id);
        handle.tabIndex = 0;
        handle.setAttribute("role", "separator");
        handle.setAttribute("aria-orientation", "vertical");
        // A function, so that a "$" in the column's name is never read as a pattern.
        const label = (holder.dataset.resizeLabel || "{column}").replace("{column}", function () {
          return name;
        });
        handle.setAttribute("aria-label", label);
        handle.setAttribute("aria-valuemin", String(MIN_WIDTH));
        handle.setAttribute("aria-valuemax", String(MAX_WIDTH));
        setWidthValue(handle, th.getBoundingClientRect().width);
        th.appendChild(handle);
        let saving = null;
        handle.addEventListener("keydown", function (event) {
          if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
          event.preventDefault();
          const step = event.key === "ArrowRight" ? 16 : -16;
          const width = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, th.getBoundingClientRect().width + step));
          th.style.width = width + "px";
          th.style.minWidth = width + "px";
          setWidthValue(handle, width);
          window.clearTimeout(saving);
          saving = window.setTimeout(function () { saveWidth(url, th.dataset.column, width); }, 400);
        });
        handle.addEventListener("mousedown", function (event) {
          event.preventDefault(); // no text selection; the focus stays where it was
          const startX = event.pageX;
          const startWidth = th.getBoundingClientRect().width;
          let width = startWidth;
          handle.classList.add("active");
          function move(e) {
            width = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, startWidth + e.pageX - startX));
            th.style.width = width + "px";
            th.style.minWidth = width + "px";
            setWidthValue(handle, width);
          }
          function stop() {
            document.removeEventListener("mousemove", move);
            document.removeEventListener("mouseup", stop);
            handle.classList.remove("active");
            saveWidth(url, th.dataset.column, width);
          }
          document.addEventListener("mousemove", move);
          document.addEventListener("mouseup", stop);
        });
      });
    });
  }

  function wireChooser(root) {
    root.querySelectorAll(".column-chooser [data-move]").forEach(function (button) {
      if (button.dataset.wired) return;
      button.dataset.wired = "1";
      button.addEventListener("click", function () {
        const item = button.closest("li");
        if (button.dataset.move === "up" && item.previousElementSibling) {
          item.parentNode.insertBefore(item, item.previousElementSibling);
        } else if (button.dataset.move === "down" && item.nextElementSibling) {
          item.parentNode.insertBefore(item.nextElementSibling, item);
        }
        // Moving the row took the focus out of the document: give it back to the same button,
        // so that a keyboard user can press it again.
        button.focus();
      });
    });
  }

  function init(root) {
    makeResizable(root);
    wireChooser(root);
  }

  // The filter form sits outside the swapped results: carry the current sort along with it.
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt && event.detail.elt.id === "list-filters") {
      const sort = new URLSearchParams(window.location.search).get("sort");
      if (sort) event.detail.parameters.sort = sort;
      else delete event.detail.parameters.sort;
    }
  });

  // A swap of the results replaces the link or button that had the focus (a column's sort,
  // a page number): give the focus to the same column's sort link in the new results, else
  // to the results themselves, so that a keyboard user goes on from there and not from the
  // top of the page.
  let focusedColumn = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    const active = document.activeElement;
    focusedColumn = null;
    if (event.detail.target.id !== "list-results") return; // a row of its own (below)
    if (active && event.detail.target.contains(active)) {
      const th = active.closest("th[data-column]");
      focusedColumn = th ? th.dataset.column : "";
    }
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (focusedColumn === null) return;
    const target = event.detail.target;
    const link = focusedColumn &&
      target.querySelector('th[data-column="' + CSS.escape(focusedColumn) + '"] a');
    focusedColumn = null;
    if (link) {
      link.focus();
    } else {
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus();
    }
  });

  // A form in a row ([data-row-edit]): htmx sends it and swaps the row the server sends back,
  // refused or not (400, 403, 409: the row says why, under the control it describes). The
  // focus goes back into the new row: to the refused control, else to the control that had
  // it, else to the row's first link; the status region says what was done (the answer's
  // out-of-band part) or that nothing could be (another error, no answer).
  let rowFocus = null;
  function rowForm(elt) {
    return elt && elt.closest ? elt.closest("[data-row-edit] form") : null;
  }
  function rowFailed() {
    const status = document.getElementById("list-status");
    if (status) status.textContent = status.dataset.rowFailed || "";
    rowFocus = null;
  }
  document.addEventListener("htmx:beforeSwap", function (event) {
    // (Fired on the target, the row: detail.elt is the row too; the form is the request's.)
    const config = event.detail.requestConfig;
    const form = rowForm(config && config.elt);
    if (!form) return;
    const active = document.activeElement;
    rowFocus = {
      key: form.closest("[data-row-edit]").dataset.rowEdit,
      control: active && form.contains(active) ? active.id : "",
    };
    const code = event.detail.xhr.status;
    const row = /^\s*<tr[\s>]/.test(event.detail.serverResponse || "");
    if (row && (code === 400 || code === 403 || code === 409)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:responseError", function (event) {
    if (rowForm(event.detail.elt)) rowFailed();
  });
  document.addEventListener("htmx:sendError", function (event) {
    if (rowForm(event.detail.elt)) rowFailed();
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!rowFocus) return;
    const holder = document.querySelector('[data-row-edit="' + CSS.escape(rowFocus.key) + '"]');
    const control = rowFocus.control;
    rowFocus = null;
    if (!holder) return;
    const kept = control && document.getElementById(control);
    const wanted = holder.querySelector("[aria-invalid=true]") ||
      (kept && holder.contains(kept) ? kept : null) ||
      holder.querySelector("select, button") ||
      holder.closest("tr").querySelector("a[href], button, select, input, textarea");
    if (wanted) wanted.focus();
  });

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  // The filters' messages come back with the results (out of band, see _results.html): each
  // filter says again whether it is invalid and which message describes it, so that neither
  // goes stale after a refresh.
  function syncFilters() {
    const form = document.getElementById("list-filters");
    if (!form) return;
    form.querySelectorAll("[name][id]").forEach(function (control) {
      const errorId = control.id + "_error";
      const others = (control.getAttribute("aria-describedby") || "").split(/\s+/)
        .filter(function (id) { return id && id !== errorId; });
      if (document.getElementById(errorId)) {
        control.setAttribute("aria-invalid", "true");
        others.push(errorId);
      } else {
        control.removeAttribute("aria-invalid");
      }
      if (others.length) control.setAttribute("aria-describedby", others.join(" "));
      else control.removeAttribute("aria-describedby");
    });
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.target && event.detail.target.id === "list-results") syncFilters();
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    init(event.target);
    // New results in place: a screen reader hears how many rows they hold.
    const status = document.querySelector("[data-list-status]");
    const count = event.target.querySelector("[data-role=count]");
    if (status && count) status.textContent = count.textContent.trim();
  });
})();
