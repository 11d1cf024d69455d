import { describe, expect, it } from "vitest";
import { SerialQueue, type Task } from "../../src/connection/queue.js";

/** A SerialQueue that records what it was told. */
class Recorder extends SerialQueue {
  closed = false;
  failures: unknown[] = [];
  finishes = 0;
  protected isClosed(): boolean {
    return this.closed;
  }
  protected taskFailed(error: unknown): void {
    this.failures.push(error);
  }
  protected finished(): void {
    this.finishes++;
  }
  add(task: Task, evenIfClosed?: boolean): void {
    if (evenIfClosed === undefined) this.enqueue(task);
    else this.enqueue(task, evenIfClosed);
  }
  get count(): number {
    return this.queued;
  }
}

/** A promise with its resolve and reject. */
function deferred() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Whether `promise` settles before a macrotask (an event, not a duration). */
async function settlesNow(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe("SerialQueue", () => {
  it("drained() of an idle queue resolves at once", async () => {
    const q = new Recorder();
    expect(q.busy).toBe(false);
    expect(await settlesNow(q.drained())).toBe(true);
  });

  it("drained() resolves every caller, only once all queued tasks ran", async () => {
    const q = new Recorder();
    const first = deferred();
    const second = deferred();
    const ran: string[] = [];
    q.add(() => {
      ran.push("first");
      return first.promise;
    });
    q.add(() => {
      ran.push("second");
      return second.promise;
    });
    expect(q.count).toBe(2);
    const a = q.drained();
    const b = q.drained();
    first.resolve();
    // The first task is done, the second runs: the queue is not drained yet.
    expect(await settlesNow(a)).toBe(false);
    expect(ran).toEqual(["first", "second"]);
    expect(q.busy).toBe(true);
    second.resolve();
    expect(await settlesNow(a)).toBe(true);
    expect(await settlesNow(b)).toBe(true);
    expect(q.busy).toBe(false);
  });

  it("skips tasks queued before the close, but not those queued to run even if closed", async () => {
    const q = new Recorder();
    const first = deferred();
    const ran: string[] = [];
    q.add(() => first.promise);
    q.add(() => ran.push("message"));
    q.add(() => ran.push("disconnect"), true);
    q.closed = true;
    first.resolve();
    await q.drained();
    expect(ran).toEqual(["disconnect"]);
    // A task queued on a closed queue with the default does not run either.
    q.add(() => ran.push("late"));
    expect(ran).toEqual(["disconnect"]);
  });

  it("tells finished() once the queue empties after the close, and never while open", async () => {
    const q = new Recorder();
    q.add(() => undefined);
    await q.drained();
    expect(q.finishes).toBe(0);
    const gate = deferred();
    q.add(() => gate.promise);
    q.add(() => undefined, true);
    q.closed = true;
    gate.resolve();
    await q.drained();
    expect(q.finishes).toBe(1);
  });

  it("reports a task that throws and goes on with the next", () => {
    const q = new Recorder();
    const boom = new Error("sync");
    const ran: string[] = [];
    q.add(() => {
      throw boom;
    });
    q.add(() => ran.push("next"));
    expect(q.failures).toEqual([boom]);
    expect(ran).toEqual(["next"]);
    expect(q.busy).toBe(false);
  });

  it("reports a task that rejects and goes on with the next", async () => {
    const q = new Recorder();
    const boom = new Error("async");
    const ran: string[] = [];
    q.add(() => Promise.reject(boom));
    q.add(() => ran.push("next"));
    await q.drained();
    expect(q.failures).toEqual([boom]);
    expect(ran).toEqual(["next"]);
  });
});
