/**
 * Room membership and the user → sessions index of the Redis ledger. Their sets live in
 * the slot of the room or the user, the sessions they list in slots of their own, so on a
 * Redis Cluster no operation here can be one script or transaction. Each is done slot by
 * slot instead, ordered so that it keeps the guarantees the single-Redis transactions gave:
 *
 * - A session's hash is only ever created under a fresh random id and never comes back once
 *   expired. So a set entry whose session hash is gone is dead for good, and dropping it
 *   (`members`, `sessionsOf`) cannot race with anything that would make it live again.
 * - `<prefix>room:{<room>}` is the truth about who is in a room: `join` ends by adding to
 *   it, `leave` is one SREM on it, `members` is one SMEMBERS of it. Each of the three has
 *   a single moment at which it takes effect, so concurrent joins, leaves and broadcasts
 *   of one room are linearizable as with MULTI.
 * - The session's `rooms` set is a reverse index that only grows while the session lives
 *   (expiring with it): `join` adds the room there *before* adding the session to the
 *   room, and `leave` leaves it there. So it always holds every room the session is in
 *   (and maybe some it left), and `roomsOf` answers with those whose room set still lists
 *   the session. Removing a room on `leave` could race with a concurrent `join` of the
 *   same room and lose it from the index for good; keeping it costs one set member per
 *   room a session ever left, until the session expires.
 * - `open` creates a session's hash before adding it to its user's set, so a listed
 *   session whose hash is missing is an expired one, never one being created.
 * @module
 */
import type { LedgerKeys, RedisClient } from "./keys.js";

/** Runs a MULTI and throws the first error of its commands (ioredis resolves them). */
export async function execAll(multi: ReturnType<RedisClient["multi"]>): Promise<void> {
  const results = await multi.exec();
  for (const [error] of results ?? []) if (error) throw error;
}

/** The sets of rooms and users, next to the per-session keys of the ledger. */
export class LedgerSets {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: LedgerKeys,
    private readonly ttl: number,
  ) {}

  /** Adds a new session to its owner's set (after its hash exists); refreshes the set's TTL. */
  async index(owner: string, session: string): Promise<void> {
    const user = this.keys.user(owner);
    await execAll(this.redis.multi().sadd(user, session).pexpire(user, this.ttl));
  }

  /** The user's set lives as long as the most recently opened or resumed of its sessions. */
  async touchOwner(owner: string): Promise<void> {
    await this.redis.pexpire(this.keys.user(owner), this.ttl);
  }

  /** The live sessions of a user. */
  sessionsOf(owner: string): Promise<string[]> {
    return this.live(this.keys.user(owner));
  }

  /** The live sessions in a room. */
  members(room: string): Promise<string[]> {
    return this.live(this.keys.room(room));
  }

  /** How many sessions a room's set holds (one SCARD; expired ones not swept yet count). */
  memberCount(room: string): Promise<number> {
    return this.redis.scard(this.keys.room(room));
  }

  /**
   * Adds the room to the session's reverse index (slot of the session), then the session to
   * the room (slot of the room). If the second step fails, the index lists a room the
   * session is not in, which `roomsOf` filters out; a retry of the join completes it.
   */
  async join(session: string, room: string): Promise<void> {
    const rooms = this.keys.session(session, "rooms");
    await execAll(this.redis.multi().sadd(rooms, room).pexpire(rooms, this.ttl));
    await this.redis.sadd(this.keys.room(room), session);
  }

  /** Takes the session out of the room: one command, on the room's slot. */
  async leave(session: string, room: string): Promise<void> {
    await this.redis.srem(this.keys.room(room), session);
  }

  /** The rooms the session is in: the rooms of its index whose set lists it. */
  async roomsOf(session: string): Promise<string[]> {
    const candidates = await this.redis.smembers(this.keys.session(session, "rooms"));
    const listed = await Promise.all(
      candidates.map((room) => this.redis.sismember(this.keys.room(room), session)),
    );
    return candidates.filter((_, i) => listed[i] === 1);
  }

  /**
   * The members of a set of session ids whose session hash still exists. The others are
   * expired sessions, dropped from the set in the background (best effort: the next read
   * drops what this one could not). One EXISTS per member, each in its member's slot, all
   * sent at once.
   */
  private async live(set: string): Promise<string[]> {
    const ids = await this.redis.smembers(set);
    if (ids.length === 0) return ids;
    const exists = await Promise.all(
      ids.map((id) => this.redis.exists(this.keys.session(id, "sess"))),
    );
    const live: string[] = [];
    const dead: string[] = [];
    for (const [i, id] of ids.entries()) (exists[i] === 1 ? live : dead).push(id);
    if (dead.length > 0) this.redis.srem(set, ...dead).catch(() => undefined);
    return live;
  }
}
