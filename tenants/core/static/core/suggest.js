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
})();
