// The chat page: plain DOM and the browser build of botwire/client. Everything from the
// bot is rendered with textContent, never as HTML, so a message like <img onerror=…> is
// shown as text.
import { BotClient } from "/botwire-client.js";

const log = document.getElementById("log");
const form = document.getElementById("composer");
const input = document.getElementById("text");
const status = document.getElementById("status");
const info = document.getElementById("info");

const scheme = location.protocol === "https:" ? "wss" : "ws";
const client = new BotClient(`${scheme}://${location.host}/chat`, {
  reconnect: { initialDelayMs: 300, maxDelayMs: 5000 },
});
// Exposed for curious developers (and the end-to-end tests).
window.botClient = client;

/** Bubbles of sent messages waiting for the server's confirmation, by message id. */
const waiting = new Map();

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function append(node) {
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  log.append(node);
  if (atBottom) log.scrollTop = log.scrollHeight;
}

function note(text) {
  append(el("div", "note", text));
}

function setStatus(state, label) {
  status.dataset.state = state;
  status.querySelector(".label").textContent = label;
}

function showInfo() {
  const session = client.session ? `${client.session.slice(0, 8)}…` : "–";
  info.textContent = `session ${session} · last seq ${client.lastSeq} · unconfirmed ${client.unconfirmed}`;
}

function say(text) {
  let id;
  try {
    id = client.send(text);
  } catch (error) {
    note(error.message);
    return;
  }
  const row = el("div", "row me");
  row.dataset.id = id;
  row.append(el("div", "bubble", text), el("span", "tick"));
  waiting.set(id, row);
  append(row);
  showInfo();
}

function buttonsOf(data) {
  const list = data && Array.isArray(data.buttons) ? data.buttons : [];
  return list.filter((b) => typeof b === "string" && b.length > 0 && b.length <= 40).slice(0, 8);
}

client.on("message", (message) => {
  const row = el("div", "row bot");
  row.dataset.seq = String(message.seq);
  if (message.replyTo) row.dataset.replyTo = message.replyTo;
  row.append(el("div", "bubble", message.text ?? JSON.stringify(message.data)));
  const labels = buttonsOf(message.data);
  if (labels.length > 0) {
    const bar = el("div", "buttons");
    for (const label of labels) {
      const button = el("button", "", label);
      button.type = "button";
      button.onclick = () => say(label);
      bar.append(button);
    }
    row.append(bar);
  }
  append(row);
  showInfo();
});

client.on("confirmed", (id) => {
  waiting.get(id)?.classList.add("delivered");
  waiting.delete(id);
  showInfo();
});

let everOpen = false;
client.on("open", ({ resumed, gap }) => {
  setStatus("online", "online");
  if (everOpen && resumed) note("Reconnected, nothing missed.");
  if (everOpen && !resumed) note("The server forgot this session; starting a new one.");
  if (gap) note("Some earlier bot messages could not be recovered.");
  everOpen = true;
  showInfo();
});
client.on("reconnecting", ({ attempt }) => {
  setStatus("reconnecting", attempt > 1 ? `reconnecting (${attempt})…` : "reconnecting…");
});
client.on("close", ({ willReconnect, code }) => {
  if (!willReconnect) setStatus("offline", `offline (${code})`);
});
client.on("error", (error) => {
  // Server error frames (e.g. rate limits) are worth showing; malformed frames are not.
  if (error.name === "ServerError") note(error.message);
});

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  say(text);
  input.value = "";
});

setStatus("connecting", "connecting…");
input.focus();
client.connect().catch((error) => note(error.message));
