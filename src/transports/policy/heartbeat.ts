/**
 * The heartbeat: every interval each connection gets a ping, and one that has not shown a
 * sign of life (a pong or any frame) since the previous ping is dropped. A dead peer — a
 * laptop closed, a mobile network gone — sends no close frame; without this its connection,
 * session pin and buffers would stay until the OS gives up on the TCP connection, hours later.
 * @module
 */

/** A connection as the heartbeat sees it. */
export interface Beating {
  /** Set by the transport on every pong or frame; cleared by each sweep. */
  alive: boolean;
  /** Sends a ping (WebSocket ping frames: browsers answer them by themselves). */
  ping(): void;
  /** Drops the connection at once (no close handshake: the peer is not answering). */
  terminate(): void;
}

/** Runs the sweep over a set of connections every `intervalMs`. */
export class Heartbeat<T extends Beating> {
  private timer: ReturnType<typeof setInterval> | undefined;

  /**
   * @param connections - the live connections (the transport adds and removes them)
   * @param intervalMs - time between sweeps; `0` turns the heartbeat off
   */
  constructor(
    private readonly connections: Iterable<T>,
    private readonly intervalMs: number,
  ) {}

  /** Starts sweeping (idempotent). The timer never keeps a process alive by itself. */
  start(): void {
    if (this.intervalMs <= 0 || this.timer !== undefined) return;
    this.timer = setInterval(() => this.sweep(), this.intervalMs);
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** Stops sweeping (idempotent). */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One sweep: drop the silent, ping the rest. */
  sweep(): void {
    for (const connection of this.connections) {
      if (!connection.alive) {
        connection.terminate();
        continue;
      }
      connection.alive = false;
      connection.ping();
    }
  }
}
