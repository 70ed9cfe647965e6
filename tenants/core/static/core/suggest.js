// Suggest-as-you-type fields, as WAI-ARIA comboboxes: the text field (role=combobox) owns a
// listbox of suggestions that htmx fills as the person types. Arrow keys move through the
// suggestions (aria-activedescendant), Enter chooses one, Escape closes the list; a click
// chooses too. Choosing fills the field (or the hidden value and the shown label). A status
// region says how many suggestions came (WCAG 4.1.3).
(function () {
  "use strict";

  function partsOf(element) {
    const holder = element && element.closest(".suggest");
    if (!holder) return null;
    return {
      holder: holder,
      hidden: holder.querySelector("input[data-suggest-value]"),
      shown: holder.querySelector("input[type=text]"),
      list: holder.querySelector(".suggestions"),
      status: holder.querySelector("[data-suggest-status]"),
    };
  }

  // The server draws a plain text field (all it is without JavaScript): the combobox's roles
  // and states are given here, with the status region that announces the suggestions.
  function wire(root) {
    const holders = Array.from(root.querySelectorAll(".suggest"));
    if (root.matches && root.matches(".suggest")) holders.push(root);
    holders.forEach(function (holder) {
      if (holder.dataset.wired) return;
      holder.dataset.wired = "1";
      const parts = partsOf(holder);
      if (!parts.shown || !parts.list) return;
      parts.shown.setAttribute("role", "combobox");
      parts.shown.setAttribute("aria-autocomplete", "list");
      parts.shown.setAttribute("aria-expanded", "false");
      parts.shown.setAttribute("aria-controls", parts.list.id);
      parts.list.setAttribute("role", "listbox");
      const status = document.createElement("div");
      status.className = "visually-hidden";
      status.setAttribute("role", "status");
      status.dataset.suggestStatus = "";
      holder.appendChild(status);
    });
  }

  function announce(parts) {
    if (!parts.status) return;
    const count = options(parts).length;
    let text = "";
    if (count) {
      const words = count === 1 ? parts.holder.dataset.countOne : parts.holder.dataset.countOther;
      text = (words || "%(count)s").replace("%(count)s", function () { return String(count); });
    } else if (parts.list.children.length) {
      text = parts.list.textContent.trim(); // "Nothing matches."
    }
    parts.status.textContent = text;
  }

  function options(parts) {
    return Array.from(parts.list.querySelectorAll("[data-suggestion]"));
  }

  function close(parts) {
    parts.list.innerHTML = "";
    if (parts.status) parts.status.textContent = "";
    parts.shown.setAttribute("aria-expanded", "false");
    parts.shown.removeAttribute("aria-activedescendant");
  }

  function activate(parts, index) {
    const all = options(parts);
    all.forEach(function (option, i) {
      const active = i === index;
      option.classList.toggle("active", active);
      option.setAttribute("aria-selected", active ? "true" : "false");
      if (active) {
        parts.shown.setAttribute("aria-activedescendant", option.id);
        option.scrollIntoView({ block: "nearest" });
      }
    });
    if (index < 0) parts.shown.removeAttribute("aria-activedescendant");
  }

  function activeIndex(parts) {
    return options(parts).findIndex(function (o) { return o.classList.contains("active"); });
  }

  function choose(parts, choice) {
    if (parts.hidden) {
      parts.hidden.value = choice.dataset.suggestion;
      parts.shown.value = choice.dataset.label;
      parts.hidden.dispatchEvent(new Event("change", { bubbles: true }));
    } else {
      parts.shown.value = choice.dataset.suggestion;
      parts.shown.dispatchEvent(new Event("change", { bubbles: true }));
    }
    parts.shown.dataset.chosen = parts.shown.value;
    // Suggestions still on their way are for the words typed before the choice.
    if (window.htmx) window.htmx.trigger(parts.list, "htmx:abort");
    close(parts);
  }

  // The browser sends a "change" of its own when the person leaves a field they typed in:
  // after a choice, already announced above, it would come late and once more (a list's
  // filters sent again when the person goes on to click a column's sort, undoing it).
  document.addEventListener("change", function (event) {
    const parts = partsOf(event.target);
    if (!parts || event.target !== parts.shown || !event.isTrusted) return;
    if (parts.shown.dataset.chosen === parts.shown.value) event.stopImmediatePropagation();
  }, true);

  // New suggestions arrived: give each option an id, say whether the list is open.
  document.addEventListener("htmx:afterSwap", function (event) {
    const list = event.target;
    if (!list.classList || !list.classList.contains("suggestions")) return;
    const parts = partsOf(list);
    // Answers that arrive after the person left the field, or after they chose a suggestion
    // (Enter while the answer to their last key was on its way), stay closed.
    const chosen = parts.shown.dataset.chosen === parts.shown.value;
    if (document.activeElement !== parts.shown || chosen) {
      close(parts);
      return;
    }
    options(parts).forEach(function (option, i) { option.id = list.id + "-" + i; });
    parts.shown.setAttribute("aria-expanded", list.children.length ? "true" : "false");
    parts.shown.removeAttribute("aria-activedescendant");
    announce(parts);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { wire(document); });
  } else {
    wire(document);
  }
  // Fields that come with htmx (a list's filters, say) are wired as they arrive.
  document.addEventListener("htmx:load", function (event) { wire(event.target); });

  document.addEventListener("keydown", function (event) {
    const parts = partsOf(event.target);
    if (!parts || event.target !== parts.shown) return;
    const all = options(parts);
    const current = activeIndex(parts);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!all.length) return;
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      const next = current < 0 ? (step > 0 ? 0 : all.length - 1) : current + step;
      activate(parts, (next + all.length) % all.length);
    } else if (event.key === "Enter" && current >= 0) {
      event.preventDefault(); // choosing a suggestion does not send the form
      choose(parts, all[current]);
    } else if (event.key === "Escape" && parts.list.children.length) {
      event.preventDefault();
      close(parts);
    }
  });

  // Leaving the field closes its list: a list left open would hide the next fields.
  document.addEventListener("focusout", function (event) {
    const parts = partsOf(event.target);
    if (!parts || event.target !== parts.shown) return;
    close(parts);
  });

  document.addEventListener("mousedown", function (event) {
    // A click on a suggestion keeps the focus in the field.
    if (event.target.closest("[data-suggestion]")) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    const choice = event.target.closest("[data-suggestion]");
    if (!choice) {
      document.querySelectorAll(".suggest .suggestions").forEach(function (list) {
        close(partsOf(list));
      });
      return;
    }
    choose(partsOf(choice), choice);
  });

  // Typing again in a picked choice's label un-picks it: the value must be chosen, not
  // left over from an earlier choice under other words.
  document.addEventListener("input", function (event) {
    const parts = partsOf(event.target);
    if (!parts || event.target !== parts.shown) return;
    delete parts.shown.dataset.chosen;
    if (parts.hidden) parts.hidden.value = "";
  });
})();
