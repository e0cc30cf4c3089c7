// A running evaluation: poll its status and move the progress bar; when it ends, reload the
// page (it then lists the report and the files). No inline scripts: the CSP forbids them.
(function () {
  "use strict";
  const box = document.getElementById("run-status");
  if (!box || !["queued", "running"].includes(box.dataset.state)) return;
  const bar = document.getElementById("run-progress");
  const state = document.getElementById("run-state");
  const count = document.getElementById("run-count");
  const error = document.getElementById("run-error");
  const show = (s) => {
    box.dataset.state = s.state;
    state.textContent = s.state;
    state.className = "state-" + s.state;
    count.textContent = s.done + " / " + s.total;
    bar.value = s.percent;
    bar.textContent = s.percent + " %";
    if (s.error) { error.textContent = s.error; error.hidden = false; }
  };
  const poll = async () => {
    let s;
    try {
      const response = await fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(String(response.status));
      s = await response.json();
    } catch (e) {
      setTimeout(poll, 3000); // the server restarts or the network hiccups: try again later
      return;
    }
    show(s);
    if (s.state === "done") window.location.reload();
    else if (s.state !== "failed") setTimeout(poll, 700);
  };
  setTimeout(poll, 300);
})();
