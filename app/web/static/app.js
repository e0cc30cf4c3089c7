// Keyboard shortcuts, the channel-aware length counter and the inbox's live update.
// No inline scripts: the CSP forbids them.
(function () {
  "use strict";

  // Length as each platform counts it (the same rules as app/drafting/length.py).
  const GSM7 = new Set([..."@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€"]);
  const GSM7_EXTENDED = new Set([..."^{}\\[~]|€"]);
  const URL = /https?:\/\/\S+/gi;
  const smsSegments = (text) => {
    const chars = [...text];
    let units, single, multi;
    if (chars.every((c) => GSM7.has(c))) {
      units = chars.reduce((n, c) => n + (GSM7_EXTENDED.has(c) ? 2 : 1), 0);
      single = 160; multi = 153;
    } else {
      units = text.length; // UTF-16 code units, as UCS-2 counts them
      single = 70; multi = 67;
    }
    return units <= single ? 1 : Math.ceil(units / multi);
  };
  const xWeight = (ch) => {
    const code = ch.codePointAt(0);
    const light = code <= 0x10ff || (code >= 0x2000 && code <= 0x200d) ||
      (code >= 0x2010 && code <= 0x201f) || (code >= 0x2032 && code <= 0x2037);
    return light && !/\p{So}/u.test(ch) ? 1 : 2;
  };
  const xWeighted = (text) => {
    const urls = text.match(URL) || [];
    const rest = text.split(URL).reduce((n, part) => n + [...part].reduce((m, c) => m + xWeight(c), 0), 0);
    return rest + 23 * urls.length;
  };
  const measure = (text, unit) =>
    unit === "gsm_segments" ? smsSegments(text) : unit === "x_weighted" ? xWeighted(text) : [...text].length;
  window.omnireplyMeasure = measure; // the browser tests compare it with the server's count
  const UNITS = { chars: "characters", gsm_segments: "SMS segments", x_weighted: "weighted characters" };

  const text = document.getElementById("draft-text");
  const counter = document.querySelector("[data-counter]");
  if (text && counter) {
    const unit = counter.dataset.unit || "chars";
    const limit = Number(counter.dataset.limit) || 0;
    const update = () => {
      const size = measure(text.value.replace(/\r\n/g, "\n"), unit);
      const over = limit && size > limit;
      counter.textContent = limit
        ? `${size} / ${limit} ${UNITS[unit] || unit} on ${counter.dataset.channel}` + (over ? ` — ${size - limit} over the limit` : "")
        : `${size} ${UNITS[unit] || unit}`;
      counter.classList.toggle("over", Boolean(over));
    };
    text.addEventListener("input", update);
    update();
  }

  // Inbox rows: click to open, j/k to move, Enter to open.
  const typing = (e) => ["INPUT", "TEXTAREA", "SELECT"].includes(e.target.tagName);
  let rows = [];
  let current = -1;
  const bindRows = () => {
    const selected = rows[current] && rows[current].dataset.href;
    rows = Array.from(document.querySelectorAll("tr.row[data-href]"));
    rows.forEach((r) => r.addEventListener("click", (e) => {
      if (e.target.tagName !== "A") window.location = r.dataset.href;
    }));
    current = selected ? rows.findIndex((r) => r.dataset.href === selected) : -1;
    rows.forEach((r, n) => r.classList.toggle("current", n === current));
  };
  bindRows();
  const select = (i) => {
    if (!rows.length) return;
    current = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach((r, n) => r.classList.toggle("current", n === current));
    rows[current].scrollIntoView({ block: "nearest" });
  };

  // Live update: the rows are fetched again every few seconds while the page is visible.
  const body = document.querySelector("[data-poll]");
  if (body) {
    const live = document.getElementById("live");
    if (live) live.hidden = false;
    let last = null;
    const poll = async () => {
      if (document.hidden) return;
      try {
        const response = await fetch(body.dataset.poll, { credentials: "same-origin", headers: { Accept: "text/html" } });
        if (!response.ok) return;
        const html = await response.text();
        if (last !== null && html !== last) {
          body.innerHTML = html;
          bindRows();
        }
        last = html;
      } catch (err) { /* offline for a moment: try again on the next tick */ }
    };
    poll();
    setInterval(poll, Number(body.dataset.every || 5000));
  }

  // Forms send once: a second click or key press finds the buttons disabled.
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
    else if (e.key === "g") submitOnce(document.getElementById("regenerate-form"));
    else if (e.key === "e") { const t = document.getElementById("draft-text"); if (t) { e.preventDefault(); t.focus(); } }
    else if (e.key === "r") { const r = document.getElementById("reject-reason"); if (r) { e.preventDefault(); r.focus(); } }
  });
})();
