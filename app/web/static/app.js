// Keyboard shortcuts and the live length counter. No inline scripts: the CSP forbids them.
(function () {
  const typing = (e) => ["INPUT", "TEXTAREA", "SELECT"].includes(e.target.tagName);
  const rows = Array.from(document.querySelectorAll("tr.row[data-href]"));
  let current = -1;
  const select = (i) => {
    if (!rows.length) return;
    current = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach((r, n) => r.classList.toggle("current", n === current));
    rows[current].scrollIntoView({ block: "nearest" });
  };
  rows.forEach((r) => r.addEventListener("click", (e) => {
    if (e.target.tagName !== "A") window.location = r.dataset.href;
  }));
  const submitOnce = (form) => {
    if (!form || form.dataset.sent) return;
    form.dataset.sent = "1";
    form.querySelectorAll("button").forEach((b) => (b.disabled = true));
    form.submit();
  };
  document.querySelectorAll("form").forEach((f) =>
    f.addEventListener("submit", () => {
      f.dataset.sent = "1";
      setTimeout(() => f.querySelectorAll("button").forEach((b) => (b.disabled = true)), 0);
    }));
  document.addEventListener("keydown", (e) => {
    if (typing(e) || e.metaKey || e.ctrlKey || e.altKey) return;
    if (e.key === "j") select(current + 1);
    else if (e.key === "k") select(current - 1);
    else if (e.key === "Enter" && current >= 0) window.location = rows[current].dataset.href;
    else if (e.key === "a") submitOnce(document.getElementById("approve-form"));
    else if (e.key === "e") { const t = document.getElementById("draft-text"); if (t) { e.preventDefault(); t.focus(); } }
    else if (e.key === "r") { const r = document.getElementById("reject-reason"); if (r) { e.preventDefault(); r.focus(); } }
  });
  const text = document.getElementById("draft-text");
  const counter = document.querySelector("[data-counter]");
  if (text && counter) {
    const update = () => (counter.textContent = text.value.length + " characters");
    text.addEventListener("input", update);
    update();
  }
})();
