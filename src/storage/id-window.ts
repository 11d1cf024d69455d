/**
 * The dedup window of one session in the in-memory ledger: the last N client message ids,
 * each with what handling it produced.
 *
 * Ids are kept as 64-bit fingerprints in typed arrays, not as strings in a Map. A busy server
 * holds `dedupWindow` ids for every active session (100 000 for 100 sessions); as strings
 * in Maps they were the largest object population on the heap, most of them promoted to the
 * old generation before they were evicted, and claiming an id cost more than parsing the
 * frame. Typed arrays hold no pointers, so the garbage collector never walks them.
 *
 * Two different ids share a fingerprint with probability 2⁻⁶⁴ per pair: with a window of
 * 1000, about one message in 10¹⁶ would be taken for a re-send of another. That is the price
 * of the layout, and it is far below the odds of the hardware losing the message.
 * @module
 */

/** Slot states, kept in `state` (a reply seq is ≥ 1). */
const EMPTY = Number.NaN;
const PENDING = -1;
const DONE_SILENT = 0;
const DONE_MANY = -2;

const FIRST_CAPACITY = 16;

/** @internal The ids one session sent lately, oldest evicted first. */
export class IdWindow {
  /** Fingerprint halves and state per ring slot. */
  private lo: Int32Array;
  private hi: Int32Array;
  private state: Float64Array;
  /** Open-addressing index (linear probing) from fingerprint to slot; -1 is empty. */
  private table: Int32Array;
  /** Reply seqs of slots that produced more than one reply (rare). */
  private many: Map<number, number[]> | undefined;
  /** Next slot to write; once the ring is full, the oldest one. */
  private head = 0;
  /** Slots written so far (until the ring is full). */
  private used = 0;
  /** The last id fingerprinted: claim, settle and release of one message pass the same id. */
  private lastId: string | undefined;
  private lastLo = 0;
  private lastHi = 0;

  /** Bytes held by the window's arrays (it grows as ids arrive, up to its size). */
  get bytes(): number {
    return this.lo.byteLength + this.hi.byteLength + this.state.byteLength + this.table.byteLength;
  }

  /** @param size - how many ids to remember (the ring grows to it as ids arrive) */
  constructor(private readonly size: number) {
    const capacity = Math.min(FIRST_CAPACITY, size);
    this.lo = new Int32Array(capacity);
    this.hi = new Int32Array(capacity);
    this.state = new Float64Array(capacity).fill(EMPTY);
    this.table = new Int32Array(tableSize(capacity)).fill(-1);
  }

  /**
   * What is known of `id`: `undefined` if not in the window, `null` while being handled,
   * else the seqs of its replies (maybe none).
   */
  get(id: string): readonly number[] | null | undefined {
    const slot = this.find(id);
    if (slot === -1) return undefined;
    const state = this.state[slot] as number;
    if (state === PENDING) return null;
    if (state === DONE_SILENT) return [];
    if (state === DONE_MANY) return this.many?.get(slot) ?? [];
    return [state];
  }

  /** Remembers `id` as being handled, forgetting the oldest id when the window is full. */
  add(id: string): void {
    this.fingerprint(id);
    if (this.used === this.state.length) {
      if (this.used < this.size) this.grow();
      else this.evict(this.head);
    }
    const slot = this.head;
    this.lo[slot] = this.lastLo;
    this.hi[slot] = this.lastHi;
    this.state[slot] = PENDING;
    this.insert(slot);
    this.head = (slot + 1) % this.state.length;
    if (this.used < this.state.length) this.used++;
  }

  /** Records the replies of an id being handled (ignored for any other id). */
  settle(id: string, replySeqs: readonly number[]): void {
    const slot = this.find(id);
    if (slot === -1 || this.state[slot] !== PENDING) return;
    this.many?.delete(slot);
    if (replySeqs.length === 0) {
      this.state[slot] = DONE_SILENT;
    } else if (replySeqs.length === 1) {
      this.state[slot] = replySeqs[0] as number;
    } else {
      this.state[slot] = DONE_MANY;
      if (this.many === undefined) this.many = new Map();
      this.many.set(slot, [...replySeqs]);
    }
  }

  /** Forgets an id still being handled, so that a retry runs it again. */
  release(id: string): void {
    const slot = this.find(id);
    if (slot === -1 || this.state[slot] !== PENDING) return;
    // The slot stays where it is in the ring, empty: the window still counts it, as the ids
    // after it keep their places.
    this.evict(slot);
  }

  private find(id: string): number {
    this.fingerprint(id);
    const { lastLo: lo, lastHi: hi, table } = this;
    const mask = table.length - 1;
    for (let i = lo & mask; ; i = (i + 1) & mask) {
      const slot = table[i] as number;
      if (slot === -1) return -1;
      if (this.lo[slot] === lo && this.hi[slot] === hi) return slot;
    }
  }

  private insert(slot: number): void {
    const table = this.table;
    const mask = table.length - 1;
    let i = (this.lo[slot] as number) & mask;
    while (table[i] !== -1) i = (i + 1) & mask;
    table[i] = slot;
  }

  /** Empties a slot and takes it out of the index (backward-shift deletion). */
  private evict(slot: number): void {
    if (Number.isNaN(this.state[slot])) return;
    this.state[slot] = EMPTY;
    this.many?.delete(slot);
    const table = this.table;
    const mask = table.length - 1;
    let hole = (this.lo[slot] as number) & mask;
    while (table[hole] !== slot) hole = (hole + 1) & mask;
    for (let j = (hole + 1) & mask; table[j] !== -1; j = (j + 1) & mask) {
      const other = table[j] as number;
      const home = (this.lo[other] as number) & mask;
      // `other` may move back into the hole unless its home lies cyclically in (hole, j].
      const staysPut = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (!staysPut) {
        table[hole] = other;
        hole = j;
      }
    }
    table[hole] = -1;
  }

  /** Doubles the ring (up to `size`), keeping the slots in age order. */
  private grow(): void {
    const old = { lo: this.lo, hi: this.hi, state: this.state, many: this.many };
    const n = old.state.length;
    const capacity = Math.min(n * 2, this.size);
    this.lo = new Int32Array(capacity);
    this.hi = new Int32Array(capacity);
    this.state = new Float64Array(capacity).fill(EMPTY);
    this.table = new Int32Array(tableSize(capacity)).fill(-1);
    this.many = undefined;
    for (let k = 0; k < n; k++) {
      const from = (this.head + k) % n;
      this.lo[k] = old.lo[from] as number;
      this.hi[k] = old.hi[from] as number;
      this.state[k] = old.state[from] as number;
      const replies = old.many?.get(from);
      if (replies !== undefined) {
        if (this.many === undefined) this.many = new Map();
        this.many.set(k, replies);
      }
      if (!Number.isNaN(this.state[k])) this.insert(k);
    }
    this.head = n;
  }

  /** Two independent 32-bit hashes of `id` (FNV-1a and a multiply-xorshift), cached. */
  private fingerprint(id: string): void {
    if (id === this.lastId) return;
    let a = 0x811c9dc5 ^ id.length;
    let b = 0x9747b28c;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 13;
    }
    // Final mixing, so ids that differ in their last characters spread over the table.
    a ^= a >>> 16;
    a = Math.imul(a, 0x85ebca6b);
    a ^= a >>> 13;
    b = Math.imul(b ^ (b >>> 15), 0xc2b2ae35);
    b ^= b >>> 16;
    this.lastId = id;
    this.lastLo = a | 0;
    this.lastHi = b | 0;
  }
}

/** Index size for a ring: a power of two at least twice as large (load ≤ 1/2). */
function tableSize(capacity: number): number {
  let size = 4;
  while (size < capacity * 2) size *= 2;
  return size;
}
