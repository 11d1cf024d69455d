/**
 * A census of one node: its connections, the sessions they serve with each one's backlog and
 * running turns, and their rooms. Read by `bot.census()` (and `botwire/inspect` on every node).
 * It holds no message text, and session ids are shortened: a whole id lets a client resume.
 * @module
 */
import { ownerOf } from "../core/handshake.js";
import type { Ledger } from "../storage/ledger.js";
import type { LivePeer } from "./host.js";

/** One session as one node sees it (see {@link NodeCensus}). */
export interface SessionCensus {
  /**
   * The session id's first 8 characters: enough to tell sessions apart and to find one in
   * logs, not enough to resume it (a whole id is a resume credential).
   */
  session: string;
  /** Who owns the session (the user's id from `auth()`), or `undefined` when anonymous. */
  user: string | undefined;
  /** Its connections on this node. */
  connections: number;
  /** Outbox entries written to its connections and not acknowledged yet. */
  outbox: number;
  /** Bytes its sockets hold that the network has not taken yet. */
  bufferedBytes: number;
  /** Its client messages being handled now (turns that have not ended). */
  turns: number;
  /** The rooms it is in (see `ctx.join`), at most 20. */
  rooms: string[];
}

/** A room and its member count (every node's members: rooms live in the ledger). */
export interface RoomCensus {
  /** The room's name. */
  room: string;
  /** Sessions in it, on every node. */
  members: number;
}

/** What one node holds now: returned by `bot.census()`. */
export interface NodeCensus {
  /** This node's id on the broker (random, made once per bot). */
  node: string;
  /** When it was taken, in milliseconds since the epoch. */
  at: number;
  /** Whether the bot is running. */
  running: boolean;
  /** Open connections. */
  connections: number;
  /** Distinct sessions of those connections. */
  sessions: number;
  /** Outbox entries not acknowledged yet, over all connections. */
  outbox: number;
  /** Bytes the sockets hold, over all connections. */
  bufferedBytes: number;
  /** Client messages being handled now, over all sessions. */
  turns: number;
  /** The sessions with the most outstanding work first, at most `maxSessions` of them. */
  top: SessionCensus[];
  /** The rooms of the sessions in `top`, with their member counts; at most 50. */
  rooms: RoomCensus[];
}

/** What a census reads. */
export interface CensusSource {
  node: string;
  running: boolean;
  peers: Iterable<LivePeer>;
  turns: Map<string, number>;
  ledger: Ledger;
}

const MAX_ROOMS_PER_SESSION = 20;
const MAX_ROOMS = 50;
/** How much of a session id a census shows. */
export const SHORT_ID = 8;

/** Takes a census of one node; `maxSessions` bounds the detailed list. */
export async function takeCensus(source: CensusSource, maxSessions: number): Promise<NodeCensus> {
  const sessions = new Map<string, SessionCensus>();
  const totals = { connections: 0, outbox: 0, bufferedBytes: 0 };
  for (const peer of source.peers) {
    totals.connections++;
    const { session } = peer;
    if (session === undefined) continue;
    const sum = { messages: 0, bytes: 0 };
    peer.outstanding(sum);
    totals.outbox += sum.messages;
    totals.bufferedBytes += sum.bytes;
    const entry = sessions.get(session) ?? newSession(session, peer.user, source.turns);
    entry.connections++;
    entry.outbox += sum.messages;
    entry.bufferedBytes += sum.bytes;
    sessions.set(session, entry);
  }
  const ranked = [...sessions.entries()].sort(([, a], [, b]) => weight(b) - weight(a));
  const top = ranked.slice(0, maxSessions);
  await Promise.all(
    top.map(async ([id, entry]) => {
      entry.rooms = (await source.ledger.roomsOf(id)).slice(0, MAX_ROOMS_PER_SESSION);
    }),
  );
  let turns = 0;
  for (const count of source.turns.values()) turns += count;
  return {
    node: source.node,
    at: Date.now(),
    running: source.running,
    ...totals,
    sessions: sessions.size,
    turns,
    top: top.map(([, entry]) => entry),
    rooms: await roomsOf(
      top.map(([, entry]) => entry),
      source.ledger,
    ),
  };
}

function newSession(
  session: string,
  user: unknown,
  turns: ReadonlyMap<string, number>,
): SessionCensus {
  return {
    session: session.slice(0, SHORT_ID),
    user: ownerOf(user),
    connections: 0,
    outbox: 0,
    bufferedBytes: 0,
    turns: turns.get(session) ?? 0,
    rooms: [],
  };
}

/** Outstanding work first: running turns, then unacknowledged entries, then buffered bytes. */
function weight(s: SessionCensus): number {
  return s.turns * 1e9 + s.outbox * 1e4 + Math.min(s.bufferedBytes, 9_999);
}

async function roomsOf(sessions: readonly SessionCensus[], ledger: Ledger): Promise<RoomCensus[]> {
  const names = [...new Set(sessions.flatMap((s) => s.rooms))].sort().slice(0, MAX_ROOMS);
  // SCARD-like counts where the ledger has them: listing a big room on every poll would cost
  // a round trip per member in Redis.
  const count = async (room: string) =>
    ledger.memberCount === undefined
      ? (await ledger.members(room)).length
      : await ledger.memberCount(room);
  return Promise.all(names.map(async (room) => ({ room, members: await count(room) })));
}
