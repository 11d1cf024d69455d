/**
 * Key names of the Redis ledger, and the client type it runs on. Every key of one session
 * carries the session id as a Redis Cluster hash tag (`<prefix>{<session>}:out`), so all of
 * them sit in one slot and each Lua script or MULTI on a session touches that slot only. A
 * room's set and a user's set carry the room name and the user id as their tags.
 * @module
 */
import type { Cluster, Redis } from "ioredis";

/**
 * What botwire's Redis classes run on: a single Redis (or a Sentinel-managed one) or a Redis
 * Cluster, both ioredis clients.
 */
export type RedisClient = Redis | Cluster;

/** The keys of one session, all in the slot of `{<session>}`. */
export type SessionKeyKind = "sess" | "out" | "seen" | "seenq" | "rooms";

/** Whether `client` is an ioredis `Cluster` (told by ioredis' own flag, no runtime import). */
export function isCluster(client: RedisClient): client is Cluster {
  return (client as { isCluster?: unknown }).isCluster === true;
}

/**
 * Whether `session` can be the id of a session in Redis. The ledger makes hex ids; one that
 * is empty or holds a brace (a client may send anything in its hello) would not give all of
 * a session's keys one hash tag — Redis hashes a key whole when its first `{` is followed at
 * once by `}` — so the ledger treats it as unknown without asking Redis.
 */
export function isSessionId(session: string): boolean {
  return session.length > 0 && !session.includes("{") && !session.includes("}");
}

/**
 * Key names under one prefix. The prefix should not contain `{`: Redis hashes the first
 * `{…}` of a key, so a tag in the prefix would put every key in one slot (which works, on
 * one master only).
 */
export class LedgerKeys {
  /** @param prefix - the prefix of every key, e.g. `botwire:` */
  constructor(private readonly prefix: string) {}

  /**
   * `<prefix>{<session>}:<kind>`: the tag is the session id (see {@link isSessionId}), so
   * every kind is in one slot; no kind contains `}`, so two different (session, kind) pairs
   * never make the same key.
   */
  session(session: string, kind: SessionKeyKind): string {
    return `${this.prefix}{${session}}:${kind}`;
  }

  /** All keys of a session, in the order the ledger's scripts take them. */
  allOf(session: string): [string, string, string, string, string] {
    return [
      this.session(session, "sess"),
      this.session(session, "out"),
      this.session(session, "seen"),
      this.session(session, "seenq"),
      this.session(session, "rooms"),
    ];
  }

  /** `<prefix>room:{<room>}`: the set of session ids in a room. */
  room(room: string): string {
    return `${this.prefix}room:{${room}}`;
  }

  /** `<prefix>user:{<owner>}`: the set of session ids a user owns. */
  user(owner: string): string {
    return `${this.prefix}user:{${owner}}`;
  }
}
