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

  function makeResizable(root) {
    root.querySelectorAll("[data-widths-url]").forEach(function (holder) {
      const url = holder.dataset.widthsUrl;
      holder.querySelectorAll("th[data-column]").forEach(function (th) {
        if (th.querySelector(".col-resize")) return;
        const handle = document.createElement("span");
        handle.className = "col-resize";
        handle.setAttribute("aria-hidden", "true");
        th.appendChild(handle);
        handle.addEventListener("mousedown", function (event) {
          event.preventDefault();
          const startX = event.pageX;
          const startWidth = th.getBoundingClientRect().width;
          let width = startWidth;
          handle.classList.add("active");
          function move(e) {
            width = Math.max(40, startWidth + e.pageX - startX);
            th.style.width = width + "px";
            th.style.minWidth = width + "px";
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

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (event) { init(event.target); });
})();
