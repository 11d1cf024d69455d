/**
 * The inspector's page: a static HTML shell, a script and a style sheet. The page holds no
 * data; its script asks for the token, then polls `api/snapshot` with it and renders every
 * value through `textContent` (room names and error messages come from users).
 * @module
 */

/** The HTML shell. */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>botwire inspector</title>
<link rel="stylesheet" href="inspect.css">
<script src="inspect.js" defer></script>
</head>
<body>
<header><h1>botwire inspector</h1><span id="status">waiting for the token</span></header>
<form id="login" hidden>
<label>Token <input id="token" type="password" autocomplete="off" required></label>
<button type="submit">Open</button>
</form>
<main id="main" hidden>
<section><h2>Nodes</h2><table id="nodes"></table></section>
<section><h2>Sessions <small>(busiest first)</small></h2><table id="sessions"></table></section>
<section><h2>Rooms</h2><table id="rooms"></table></section>
<section><h2>Recent errors</h2><table id="errors"></table></section>
</main>
</body>
</html>
`;

/** The page's style sheet. */
export const PAGE_CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{display:flex;gap:1em;align-items:baseline;padding:.8em 1.2em;background:#1d2330;color:#fff}
h1{font-size:1.1em;margin:0}h2{font-size:1em;margin:1.2em 0 .4em}
#status{opacity:.8}main,form{padding:0 1.2em 1.2em}form{padding-top:1.2em}
table{border-collapse:collapse;background:#fff;min-width:40%}
th,td{padding:.3em .7em;border-bottom:1px solid #e3e6ea;text-align:left;font-variant-numeric:tabular-nums}
th{background:#eef0f3;font-weight:600}td.num{text-align:right}.empty{color:#7a8190;font-style:italic}
.bad{color:#b42318}`;

/** The page's script. */
export const PAGE_JS = `"use strict";
(() => {
  const api = location.pathname.replace(/\\/?$/, "/") + "api/snapshot";
  const $ = (id) => document.getElementById(id);
  let token = sessionStorage.getItem("botwire-inspect-token");
  let timer;
  const fromHash = new URLSearchParams(location.hash.slice(1)).get("token");
  if (fromHash) {
    token = fromHash;
    sessionStorage.setItem("botwire-inspect-token", token);
    history.replaceState(null, "", location.pathname + location.search);
  }
  const ago = (at) => Math.max(0, Math.round((Date.now() - at) / 1000)) + " s ago";
  const time = (at) => new Date(at).toLocaleTimeString();
  function table(el, columns, rows, empty) {
    el.replaceChildren();
    const head = el.insertRow();
    for (const [title] of columns) {
      const th = document.createElement("th");
      th.textContent = title;
      head.append(th);
    }
    if (rows.length === 0) {
      const cell = el.insertRow().insertCell();
      cell.colSpan = columns.length;
      cell.className = "empty";
      cell.textContent = empty;
      return;
    }
    for (const row of rows) {
      const tr = el.insertRow();
      for (const [, pick, numeric] of columns) {
        const cell = tr.insertCell();
        const value = pick(row);
        cell.textContent = value === undefined || value === null ? "" : String(value);
        if (numeric) cell.className = "num";
      }
    }
  }
  function render(snapshot) {
    const nodes = snapshot.nodes;
    const sum = (key) => nodes.reduce((n, node) => n + node[key], 0);
    $("status").textContent = nodes.length + " node(s) · " + sum("connections") +
      " connection(s) · " + sum("sessions") + " session(s) · updated " + time(snapshot.at);
    table($("nodes"), [
      ["node", (n) => n.node], ["running", (n) => (n.running ? "yes" : "no")],
      ["connections", (n) => n.connections, true], ["sessions", (n) => n.sessions, true],
      ["outbox", (n) => n.outbox, true], ["buffered bytes", (n) => n.bufferedBytes, true],
      ["turns", (n) => n.turns, true], ["census", (n) => ago(n.at)],
    ], nodes, "no node answered");
    const sessions = nodes.flatMap((n) => n.top.map((s) => ({ ...s, node: n.node })));
    table($("sessions"), [
      ["session", (s) => s.session + "…"], ["user", (s) => s.user], ["node", (s) => s.node],
      ["connections", (s) => s.connections, true], ["outbox", (s) => s.outbox, true],
      ["buffered bytes", (s) => s.bufferedBytes, true], ["turns", (s) => s.turns, true],
      ["rooms", (s) => s.rooms.join(", ")],
    ], sessions, "no session connected");
    const rooms = new Map();
    for (const n of nodes) for (const r of n.rooms) rooms.set(r.room, r.members);
    table($("rooms"), [["room", (r) => r[0]], ["members", (r) => r[1], true]],
      [...rooms].sort((a, b) => b[1] - a[1]), "no rooms");
    const errors = nodes.flatMap((n) => n.errors.map((e) => ({ ...e, node: n.node })))
      .sort((a, b) => b.at - a.at).slice(0, 100);
    table($("errors"), [
      ["time", (e) => time(e.at)], ["node", (e) => e.node], ["kind", (e) => e.kind],
      ["code", (e) => e.code], ["route", (e) => e.route], ["session", (e) => e.session],
      ["message", (e) => e.message],
    ], errors, "no errors");
  }
  async function poll() {
    clearTimeout(timer);
    try {
      const response = await fetch(api, { headers: { authorization: "Bearer " + token } });
      if (response.status === 401) return login("wrong token");
      if (!response.ok) throw new Error("HTTP " + response.status);
      $("main").hidden = false;
      render(await response.json());
      $("status").classList.remove("bad");
    } catch (error) {
      $("status").textContent = "cannot reach the bot: " + error.message;
      $("status").classList.add("bad");
    }
    timer = setTimeout(poll, 2000);
  }
  function login(message) {
    sessionStorage.removeItem("botwire-inspect-token");
    $("main").hidden = true;
    $("login").hidden = false;
    $("status").textContent = message;
  }
  $("login").addEventListener("submit", (event) => {
    event.preventDefault();
    token = $("token").value;
    sessionStorage.setItem("botwire-inspect-token", token);
    $("login").hidden = true;
    poll();
  });
  if (token) poll(); else login("enter the inspector token");
})();
`;
