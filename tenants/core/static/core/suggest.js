// Choosing a suggestion fills its field (or the hidden value and the shown label).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    const choice = event.target.closest("[data-suggestion]");
    const boxes = document.querySelectorAll(".suggest .suggestions");
    if (!choice) {
      boxes.forEach(function (box) { box.innerHTML = ""; });
      return;
    }
    const holder = choice.closest(".suggest");
    const hidden = holder.querySelector("input[data-suggest-value]");
    const shown = holder.querySelector("input[type=text]");
    if (hidden) {
      hidden.value = choice.dataset.suggestion;
      shown.value = choice.dataset.label;
      hidden.dispatchEvent(new Event("change", { bubbles: true }));
    } else {
      shown.value = choice.dataset.suggestion;
      shown.dispatchEvent(new Event("change", { bubbles: true }));
    }
    holder.querySelector(".suggestions").innerHTML = "";
  });
  // Typing again in a picked choice's label un-picks it: the value must be chosen, not
  // left over from an earlier choice under other words.
  document.addEventListener("input", function (event) {
    const holder = event.target.closest(".suggest");
    const hidden = holder && holder.querySelector("input[data-suggest-value]");
    if (hidden && event.target.type === "text") hidden.value = "";
  });
})();
