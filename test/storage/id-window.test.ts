import { describe, expect, it } from "vitest";
import { IdWindow } from "../../src/storage/id-window.js";

/** The plain model: a Map of ids plus a ring of slots, as the ledger had before. */
class Model {
  private readonly seen = new Map<string, readonly number[] | null>();
  private readonly ring: Array<string | undefined> = [];
  private head = 0;
  constructor(private readonly size: number) {}
  get(id: string) {
    return this.seen.get(id);
  }
  add(id: string) {
    const evicted = this.ring[this.head];
    if (evicted !== undefined) this.seen.delete(evicted);
    this.ring[this.head] = id;
    this.head = (this.head + 1) % this.size;
    this.seen.set(id, null);
  }
  settle(id: string, seqs: readonly number[]) {
    if (this.seen.get(id) === null) this.seen.set(id, [...seqs]);
  }
  release(id: string) {
    if (this.seen.get(id) !== null) return;
    this.seen.delete(id);
    const slot = this.ring.indexOf(id);
    if (slot !== -1) this.ring[slot] = undefined;
  }
}

function random(seed: number) {
  let x = seed;
  return (n: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
}

describe("IdWindow", () => {
  it.each([1, 2, 3, 7, 16, 17, 40, 100])(
    "agrees with a Map-and-ring model (window %i), through growth, evictions and releases",
    (size) => {
      const window = new IdWindow(size);
      const model = new Model(size);
      const rand = random(size * 7919);
      let seq = 0;
      for (let step = 0; step < 20_000; step++) {
        const id = `m-${rand(size * 3 + 5)}`;
        const op = rand(10);
        if (op === 0) {
          window.release(id);
          model.release(id);
        } else if (op < 4) {
          const seqs = Array.from({ length: rand(4) }, () => ++seq);
          window.settle(id, seqs);
          model.settle(id, seqs);
        } else if (window.get(id) === undefined) {
          expect(model.get(id)).toBeUndefined();
          window.add(id);
          model.add(id);
        }
        expect(window.get(id), `step ${step}, id ${id}`).toEqual(model.get(id));
      }
      // Every id of the space, at the end.
      for (let k = 0; k < size * 3 + 5; k++) {
        expect(window.get(`m-${k}`)).toEqual(model.get(`m-${k}`));
      }
    },
  );

  it("remembers exactly the last `size` ids", () => {
    const window = new IdWindow(1000);
    for (let i = 0; i < 5000; i++) {
      window.add(`${i}`);
      window.settle(`${i}`, [i + 1]);
    }
    expect(window.get("3999")).toBeUndefined();
    expect(window.get("4000")).toEqual([4001]);
    expect(window.get("4999")).toEqual([5000]);
  });

  it("tells apart ids that differ in one character or only in length", () => {
    const window = new IdWindow(100_000);
    const ids: string[] = [];
    for (let i = 0; i < 50_000; i++) ids.push(`3fa9c01b22e4-${i.toString(36)}`);
    for (const c of "abcdefghijklmnopqrstuvwxyz0123456789") ids.push(c, c + c, `${c}\u0000`);
    for (const id of ids) {
      expect(window.get(id)).toBeUndefined();
      window.add(id);
    }
    for (const id of ids) expect(window.get(id)).toBeNull();
  });
});
