// What the page keeps across a reload and shares between tabs, in web storage.
//
// * localStorage (every tab of this site): the conversation's session id and the highest seq
//   any tab has seen. A new tab joins that conversation from that point on.
// * sessionStorage (this tab only, kept across a reload): the tab's own log, as rendered, and
//   the highest seq it holds. A reload shows the log again and resumes right after it: the
//   server replays what came meanwhile, then sends each stream still being written as a
//   snapshot (all its text so far) followed by its live deltas.
//
// The page hands the stored session and lastSeq to `new BotClient(url, { resume })`.

const SHARED_KEY = "botwire-demo:conversation";
const TAB_KEY = "botwire-demo:tab";
/** Most rows a tab keeps across a reload (the oldest go first). */
const MAX_ROWS = 200;

function read(storage, key) {
  try {
    const value = JSON.parse(storage.getItem(key) ?? "null");
    return value && typeof value === "object" ? value : undefined;
  } catch {
    return undefined; // storage disabled, full, or holding something else
  }
}

function write(storage, key, value) {
  try {
    storage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage disabled or full: the page still works, it just forgets on reload.
  }
}

const isSession = (value) => typeof value === "string" && value.length > 0 && value.length <= 128;
const isSeq = (value) => Number.isSafeInteger(value) && value >= 0;

/**
 * Where this tab starts: its own log after a reload, else the conversation another tab of
 * this site has open, else nothing (a new conversation).
 * @returns {{ session?: string, lastSeq: number, rows: object[], joined: boolean }}
 */
export function loadMemory() {
  const tab = read(sessionStorage, TAB_KEY);
  if (tab && isSession(tab.session) && isSeq(tab.lastSeq)) {
    const rows = Array.isArray(tab.rows) ? tab.rows.filter((r) => r && typeof r === "object") : [];
    return { session: tab.session, lastSeq: tab.lastSeq, rows, joined: false };
  }
  const shared = read(localStorage, SHARED_KEY);
  if (shared && isSession(shared.session) && isSeq(shared.lastSeq)) {
    return { session: shared.session, lastSeq: shared.lastSeq, rows: [], joined: true };
  }
  return { lastSeq: 0, rows: [], joined: false };
}

/**
 * Stores this tab's state (session, highest seq, rows) and raises the shared highest seq.
 * @param {{ session?: string, lastSeq: number, rows: object[] }} state
 */
export function saveMemory({ session, lastSeq, rows }) {
  if (!session) return;
  write(sessionStorage, TAB_KEY, { session, lastSeq, rows: rows.slice(-MAX_ROWS) });
  const shared = read(localStorage, SHARED_KEY);
  const known = shared?.session === session && isSeq(shared.lastSeq) ? shared.lastSeq : 0;
  write(localStorage, SHARED_KEY, { session, lastSeq: Math.max(known, lastSeq) });
}
