// The chat page: plain DOM and the browser build of botwire/client. Everything from the
// bot is rendered with textContent, never as HTML, so a message like <img onerror=…> is
// shown as text.
//
// Streamed replies (`/story`) grow in one bubble per stream id, from the client's `stream`
// and `delta` events; the final `message` of a stream (same id) holds the whole text and how
// it ended. The page remembers its log and session in web storage (memory.js): a reload
// shows the log again and continues an unfinished stream from the server's snapshot, and a
// second tab joins the same conversation.
import { BotClient } from "/botwire-client.js";
import { loadMemory, saveMemory } from "/memory.js";

const log = document.getElementById("log");
const form = document.getElementById("composer");
const input = document.getElementById("text");
const stopButton = document.getElementById("stop");
const status = document.getElementById("status");
const info = document.getElementById("info");
const activity = document.getElementById("activity");

const memory = loadMemory();
/** The conversation this tab shows: its session, and the highest seq it holds. */
const state = { session: memory.session, lastSeq: memory.lastSeq };
/** Bot messages up to this seq are already on the page (restored after a reload). */
let shown = memory.lastSeq;

const scheme = location.protocol === "https:" ? "wss" : "ws";
const client = new BotClient(`${scheme}://${location.host}/chat`, {
  reconnect: { initialDelayMs: 300, maxDelayMs: 5000 },
  // After a reload (or in a new tab), continue the stored conversation where it was.
  ...(memory.session !== undefined && {
    resume: { session: memory.session, lastSeq: memory.lastSeq },
  }),
});
// Exposed for curious developers (and the end-to-end tests).
window.botClient = client;

/** Bubbles of sent messages waiting for the server's confirmation, by message id. */
const waiting = new Map();
/** Rows of streamed replies, by stream id. */
const streams = new Map();
/** Messages whose Stop was clicked (their stream is ending). */
const stopping = new Set();

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function nearBottom() {
  return log.scrollHeight - log.scrollTop - log.clientHeight < 80;
}

function append(node) {
  const atBottom = nearBottom();
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
  info.textContent = `session ${session} · last seq ${state.lastSeq} · unconfirmed ${client.unconfirmed}`;
}

// ── Rows ──────────────────────────────────────────────────────────────────

function meRow(id, text) {
  const row = el("div", "row me");
  row.dataset.id = id;
  row.append(el("div", "bubble", text), el("span", "tick"));
  return row;
}

function botRow(text) {
  const row = el("div", "row bot");
  row.append(el("div", "bubble", text));
  return row;
}

function buttonsOf(data) {
  const list = data && Array.isArray(data.buttons) ? data.buttons : [];
  return list.filter((b) => typeof b === "string" && b.length > 0 && b.length <= 40).slice(0, 8);
}

function setButtons(row, labels) {
  row.querySelector(".buttons")?.remove();
  if (labels.length === 0) return;
  const bar = el("div", "buttons");
  for (const label of labels) {
    const button = el("button", "", label);
    button.type = "button";
    button.onclick = () => say(label);
    bar.append(button);
  }
  row.append(bar);
}

/** Sets a bot bubble's text (as text), keeping the log at the bottom if it was there. */
function setText(row, text) {
  const atBottom = nearBottom();
  row.querySelector(".bubble").textContent = text;
  if (atBottom) log.scrollTop = log.scrollHeight;
}

const ENDS = { cancelled: "stopped", failed: "failed", interrupted: "interrupted" };

/** The small line under a bot bubble: "edited", "stopped", … (from the row's data). */
function renderMeta(row) {
  const parts = [];
  if (row.dataset.end && ENDS[row.dataset.end]) parts.push(ENDS[row.dataset.end]);
  if (row.dataset.edited) parts.push("edited");
  let meta = row.querySelector(".meta");
  if (parts.length === 0) return meta?.remove();
  if (!meta) {
    meta = el("div", "meta");
    row.querySelector(".bubble").after(meta);
  }
  meta.textContent = parts.join(" · ");
}

function findRow(selector, key, value) {
  for (const row of log.querySelectorAll(selector)) if (row.dataset[key] === value) return row;
  return undefined;
}

function markDelivered(id) {
  const row = waiting.get(id) ?? findRow(".row.me", "id", id);
  row?.classList.add("delivered");
  row?.classList.remove("restored");
  waiting.delete(id);
}

/** The bubble of stream `id`, made when the page sees the stream for the first time. */
function streamRow(id, replyTo) {
  let row = streams.get(id);
  if (row === undefined) {
    row = botRow("");
    row.classList.add("streaming");
    row.dataset.stream = id;
    streams.set(id, row);
    append(row);
  }
  if (replyTo && !row.dataset.replyTo) row.dataset.replyTo = replyTo;
  return row;
}

/** Streams of this tab's own messages that are still being written: what Stop stops. */
function stoppable() {
  const ids = [];
  for (const row of streams.values()) {
    const id = row.dataset.replyTo;
    if (row.classList.contains("streaming") && waiting.has(id) && !stopping.has(id)) ids.push(id);
  }
  return ids;
}

function renderStop() {
  stopButton.hidden = stoppable().length === 0;
}

/**
 * The typing indicator: what `client.activity` says, except the automatic `typing` while the
 * answer is visibly growing (its bubble has a caret). A stream whose message this tab does
 * not know yet (another tab's, seen from a snapshot) counts as the one being typed.
 */
function renderActivity() {
  const current = client.activity;
  const growing =
    current?.kind === "typing" &&
    [...streams.values()].some(
      (row) =>
        row.classList.contains("streaming") &&
        (row.dataset.replyTo === undefined || row.dataset.replyTo === current.replyTo),
    );
  if (current === undefined || growing) {
    activity.hidden = true;
    delete activity.dataset.kind;
    return;
  }
  activity.hidden = false;
  activity.dataset.kind = current.kind;
  activity.querySelector(".label").textContent =
    current.kind === "typing" ? "The bot is typing…" : `${current.label ?? current.kind}…`;
}

// ── Memory (reload, tabs) ─────────────────────────────────────────────────

/** This tab's log as plain data, for sessionStorage. */
function rowsToSave() {
  const rows = [];
  for (const node of log.children) {
    const text = node.querySelector(".bubble")?.textContent ?? node.textContent;
    if (node.classList.contains("note")) {
      rows.push({ kind: "note", text });
    } else if (node.classList.contains("me")) {
      const lost = node.classList.contains("lost");
      rows.push({ kind: "me", id: node.dataset.id, text, delivered: isDelivered(node), lost });
    } else {
      const buttons = [...node.querySelectorAll(".buttons button")].map((b) => b.textContent);
      const { seq, stream, replyTo, end, edited, withdrawn } = node.dataset;
      const open = node.classList.contains("streaming");
      rows.push({ kind: "bot", text, buttons, seq, stream, replyTo, end, edited, withdrawn, open });
    }
  }
  return rows;
}

function isDelivered(row) {
  return row.classList.contains("delivered");
}

/** Shows the rows a reload kept (text only, as everywhere). */
function restore(rows) {
  for (const r of rows) {
    const text = typeof r.text === "string" ? r.text : "";
    if (r.kind === "note") {
      log.append(el("div", "note", text));
    } else if (r.kind === "me" && typeof r.id === "string") {
      const row = meRow(r.id, text);
      row.classList.add(r.delivered ? "delivered" : r.lost ? "lost" : "restored");
      log.append(row);
    } else if (r.kind === "bot") {
      const row = botRow(text);
      for (const key of ["seq", "stream", "replyTo", "end", "edited", "withdrawn"]) {
        if (typeof r[key] === "string") row.dataset[key] = r[key];
      }
      if (r.withdrawn) row.classList.add("withdrawn");
      if (r.open && r.stream) row.classList.add("streaming");
      if (r.stream) streams.set(r.stream, row);
      renderMeta(row);
      setButtons(row, Array.isArray(r.buttons) ? buttonsOf({ buttons: r.buttons }) : []);
      log.append(row);
    }
  }
  log.scrollTop = log.scrollHeight;
}

function save() {
  clearTimeout(saveTimer);
  saveTimer = undefined;
  if (client.session === state.session) state.lastSeq = Math.max(state.lastSeq, client.lastSeq);
  saveMemory({ session: state.session, lastSeq: state.lastSeq, rows: rowsToSave() });
  showInfo();
}

/** Saves within half a second (a growing stream changes many times a second). */
let saveTimer;
function saveSoon() {
  saveTimer ??= setTimeout(save, 500);
}

/** The server no longer knows the stored conversation: its seqs and streams mean nothing now. */
function forgetConversation() {
  for (const row of log.querySelectorAll(".row.bot")) {
    delete row.dataset.seq;
    if (row.classList.contains("streaming")) {
      row.classList.remove("streaming");
      row.dataset.end = "interrupted";
      renderMeta(row);
    }
    delete row.dataset.stream;
  }
  // Sent before a reload and not answered: that conversation, and so their answer, is gone.
  // (Messages this client still holds are re-sent into the new session by the client.)
  for (const row of log.querySelectorAll(".row.me:not(.delivered)")) {
    if (waiting.has(row.dataset.id)) continue;
    row.classList.remove("restored", "answering");
    row.classList.add("lost");
  }
  streams.clear();
  shown = 0;
  state.lastSeq = 0;
}

// ── Sending ───────────────────────────────────────────────────────────────

function say(text) {
  let id;
  try {
    id = client.send(text);
  } catch (error) {
    note(error.message);
    return;
  }
  const row = meRow(id, text);
  waiting.set(id, row);
  append(row);
  save();
}

// ── The client's events ───────────────────────────────────────────────────

client.on("message", (message) => {
  if (message.seq <= shown) return; // already on the page before a reload
  let row;
  if (message.stream !== undefined) {
    // The final message of a stream: the whole text (authoritative) and how it ended.
    row = streamRow(message.stream, message.replyTo);
    row.classList.remove("streaming");
    if (message.end) row.dataset.end = message.end;
    setText(row, message.text ?? "");
    renderMeta(row);
    stopping.delete(message.replyTo);
  } else {
    row = botRow(message.text ?? JSON.stringify(message.data));
    append(row);
  }
  row.dataset.seq = String(message.seq);
  if (message.replyTo) {
    row.dataset.replyTo = message.replyTo;
    if (message.end !== "interrupted") markDelivered(message.replyTo);
  }
  setButtons(row, buttonsOf(message.data));
  renderStop();
  renderActivity();
  save();
});

client.on("stream", ({ stream, replyTo, text }) => {
  const row = streamRow(stream, replyTo);
  if (text) setText(row, text);
  // The bot is answering: the message arrived (it is confirmed by the answer's final).
  const asked = row.dataset.replyTo;
  if (asked) (waiting.get(asked) ?? findRow(".row.me", "id", asked))?.classList.add("answering");
  renderStop();
  renderActivity();
  save();
});

client.on("delta", ({ stream, replyTo, text }) => {
  setText(streamRow(stream, replyTo), text);
  saveSoon();
});

client.on("edit", ({ seq, edits, text, data }) => {
  if (seq <= shown) return;
  const row = findRow(".row.bot", "seq", String(edits));
  if (row !== undefined && !row.dataset.withdrawn) {
    if (text !== undefined) setText(row, text);
    if (data !== undefined) setButtons(row, buttonsOf(data));
    row.dataset.edited = "1";
    renderMeta(row);
  }
  save();
});

client.on("retract", ({ seq, retracts }) => {
  if (seq <= shown) return;
  const row = findRow(".row.bot", "seq", String(retracts));
  if (row !== undefined) {
    row.classList.remove("streaming");
    row.classList.add("withdrawn");
    row.dataset.withdrawn = "1";
    delete row.dataset.edited;
    setText(row, "message withdrawn");
    setButtons(row, []);
    renderMeta(row);
  }
  save();
});

client.on("activity", renderActivity);

client.on("confirmed", (id) => {
  markDelivered(id);
  renderStop();
  save();
});

let everOpen = false;
client.on("open", ({ session, resumed, gap }) => {
  setStatus("online", "online");
  const first = !everOpen;
  everOpen = true;
  if (first && state.session !== undefined) {
    if (session !== state.session) {
      forgetConversation();
      note("The server no longer knows this conversation; starting a new one.");
    } else if (memory.joined) {
      note("Joined the conversation open in another tab.");
    }
  } else if (!first) {
    if (resumed) note("Reconnected, nothing missed.");
    else {
      forgetConversation();
      note("The server forgot this session; starting a new one.");
    }
  }
  if (gap) note("Some earlier bot messages could not be recovered.");
  state.session = session;
  save();
});
client.on("reconnecting", ({ attempt }) => {
  setStatus("reconnecting", attempt > 1 ? `reconnecting (${attempt})…` : "reconnecting…");
});
client.on("close", ({ willReconnect, code }) => {
  if (!willReconnect) setStatus("offline", `offline (${code})`);
  renderActivity();
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

stopButton.addEventListener("click", () => {
  for (const id of stoppable()) {
    stopping.add(id);
    client.cancel(id);
  }
  renderStop();
  input.focus();
});

// The page may be closed or reloaded between two saves of a growing stream.
addEventListener("pagehide", save);

restore(memory.rows);
setStatus("connecting", "connecting…");
showInfo();
input.focus();
client.connect().catch((error) => note(error.message));
