// The web chat: starts a bot session and shows the turns. Text is always set as text.
(function () {
  "use strict";
  const chat = document.getElementById("chat");
  const turns = document.getElementById("turns");
  const form = document.getElementById("say");
  const input = document.getElementById("text");
  const status = document.getElementById("status");
  let sessionId = null;
  const add = (role, text) => {
    if (!text) return;
    const li = document.createElement("li");
    li.className = role;
    li.textContent = text;
    turns.appendChild(li);
    turns.scrollTop = turns.scrollHeight;
  };
  const post = async (url, body) => {
    const response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error((await response.json()).error?.message || response.statusText);
    return response.json();
  };
  const start = async () => {
    const lang = chat.dataset.lang || (navigator.language || "en").slice(0, 2);
    const session = await post("/chat/sessions", { workspace: chat.dataset.workspace, language: lang });
    sessionId = session.id;
  };
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    add("customer", text);
    status.textContent = "…";
    try {
      if (!sessionId) await start();
      const out = await post(`/chat/sessions/${encodeURIComponent(sessionId)}/messages`, { text });
      add("bot", out.reply);
      status.textContent = out.handed_off ? chat.dataset.handedOff : "";
    } catch (err) {
      status.textContent = `${chat.dataset.failed} ${err.message}`;
    }
  });
  start().catch((err) => (status.textContent = `${chat.dataset.unavailable} ${err.message}`));
})();
