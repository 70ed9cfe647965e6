// The arbitration page's running totals: what each envelope (and the session) would have
// granted with the decisions chosen on the page, before they are recorded; an envelope
// exceeded turns red.
(function () {
  "use strict";
  const form = document.querySelector("[data-arbitration]");
  if (!form) return;
  const euros = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" });
  const parse = (text) => {
    const value = Number(String(text).replace(/[\s\u202f\u00a0€]/g, "").replace(",", "."));
    return Number.isFinite(value) && value > 0 ? value : 0;
  };
  function refresh() {
    const extra = new Map();
    let total = 0;
    form.querySelectorAll("tr[data-row]").forEach((row) => {
      const decision = row.querySelector("[data-decision]");
      if (!decision || decision.value !== "granted") return;
      const amount = parse(row.querySelector("[data-amount]").value);
      total += amount;
      (row.dataset.envelopes || "").split(",").filter(Boolean).forEach((pk) => {
        extra.set(pk, (extra.get(pk) || 0) + amount);
      });
    });
    document.querySelectorAll("tr[data-envelope]").forEach((row) => {
      const running = parse(row.dataset.granted) + (extra.get(row.dataset.envelope) || 0);
      const cell = row.querySelector("[data-running]");
      cell.textContent = euros.format(running);
      row.classList.toggle("table-danger", running > parse(row.dataset.amount));
    });
    const cell = document.querySelector("[data-running-total]");
    if (cell) {
      const running = parse(cell.dataset.granted) + total;
      cell.textContent = euros.format(running);
    }
  }
  form.addEventListener("input", refresh);
  form.addEventListener("change", refresh);
  refresh();
})();
