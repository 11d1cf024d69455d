/**
 * The serial queue of one connection: its handshake, messages and disconnect update run one
 * at a time, in arrival order. `Peer` extends it, so a connection costs no extra object.
 * Internal.
 * @module
 */
import { isPending } from "../util/maybe.js";

/** A unit of a connection's work: a handshake, a message, the disconnect update. */
export type Task = () => unknown;

interface QueuedTask {
  task: Task;
  /** Runs even after the connection closed (the disconnect update). */
  evenIfClosed: boolean;
}

/**
 * Runs tasks one after another. A task that finishes synchronously lets the next one start
 * in the same tick: most messages of a bot with a synchronous chain never touch a promise.
 */
export abstract class SerialQueue {
  /** Tasks waiting behind the running one, oldest first (made when first needed). */
  private backlog: QueuedTask[] | undefined;
  /** Whether a task is running (synchronously right now, or waiting for its promise). */
  private running = false;
  /** Tasks queued or running. */
  private tasks = 0;
  /** Callers of `drained()` waiting for the queue to empty. */
  private waiters: Array<() => void> | undefined;

  /** Whether the connection closed: queued tasks are then skipped, unless `evenIfClosed`. */
  protected abstract isClosed(): boolean;
  /** A task threw or rejected. */
  protected abstract taskFailed(error: unknown): void;
  /** The queue emptied after the connection closed. */
  protected abstract finished(): void;

  /** Tasks queued or running (the one running counts). */
  protected get queued(): number {
    return this.tasks;
  }

  /** Whether tasks are queued or running. */
  get busy(): boolean {
    return this.tasks > 0;
  }

  /** Resolves once every task queued so far has run. */
  drained(): Promise<void> {
    if (this.tasks === 0) return Promise.resolve();
    return new Promise((resolve) => {
      if (this.waiters === undefined) this.waiters = [];
      this.waiters.push(resolve);
    });
  }

  /**
   * Runs `task` after everything queued before it: right away when nothing is running, and
   * the next one as soon as it finishes, synchronously when it finished synchronously.
   */
  protected enqueue(task: Task, evenIfClosed = false): void {
    this.tasks++;
    if (!this.running) return this.pump(task, evenIfClosed);
    if (this.backlog === undefined) this.backlog = [];
    this.backlog.push({ task, evenIfClosed });
  }

  private pump(first: Task, firstEvenIfClosed: boolean): void {
    let task = first;
    let evenIfClosed = firstEvenIfClosed;
    for (;;) {
      this.running = true;
      let result: unknown;
      try {
        if (evenIfClosed || !this.isClosed()) result = task();
      } catch (error) {
        this.taskFailed(error);
      }
      if (isPending(result)) {
        result.then(
          () => this.resume(),
          (error: unknown) => {
            this.taskFailed(error);
            this.resume();
          },
        );
        return;
      }
      const next = this.finishTask();
      if (next === undefined) return;
      task = next.task;
      evenIfClosed = next.evenIfClosed;
    }
  }

  private resume(): void {
    const next = this.finishTask();
    if (next !== undefined) this.pump(next.task, next.evenIfClosed);
  }

  /** Books the end of the running task; returns the next one to run, if any. */
  private finishTask(): QueuedTask | undefined {
    this.running = false;
    this.tasks--;
    const next = this.backlog?.shift();
    if (this.tasks === 0) {
      if (this.isClosed()) this.finished();
      const waiters = this.waiters;
      this.waiters = undefined;
      if (waiters !== undefined) for (const wake of waiters) wake();
    }
    return next;
  }
}
