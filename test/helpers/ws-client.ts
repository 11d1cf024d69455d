import { WebSocket } from "ws";

export interface Frame {
  type: string;
  [key: string]: unknown;
}

/** A raw protocol client over a real socket, collecting frames for assertions. */
export class RawClient {
  readonly frames: Frame[] = [];
  readonly socket: WebSocket;
  closed: { code: number; reason: string } | undefined;
  private waiters: Array<() => void> = [];
  readonly opened: Promise<void>;

  constructor(url: string, options: ConstructorParameters<typeof WebSocket>[2] = {}) {
    this.socket = new WebSocket(url, options);
    this.socket.on("error", () => {});
    this.opened = new Promise<void>((resolve, reject) => {
      this.socket.once("open", () => resolve());
      this.socket.once("unexpected-response", (_req, res) =>
        reject(new Error(`HTTP ${res.statusCode}`)),
      );
      this.socket.once("error", reject);
    });
    // Tests that expect a refusal await `opened` themselves; others must not see a rejection.
    this.opened.catch(() => {});
    this.socket.on("message", (data) => {
      this.frames.push(JSON.parse(data.toString()) as Frame);
      this.wake();
    });
    this.socket.on("close", (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  private wake() {
    for (const w of this.waiters) w();
  }

  /** Sends a frame (a string as is, anything else as JSON), waiting for the socket to open. */
  send(frame: unknown): void {
    const text = typeof frame === "string" ? frame : JSON.stringify(frame);
    if (this.socket.readyState === WebSocket.CONNECTING) {
      this.opened.then(() => this.socket.send(text)).catch(() => {});
    } else {
      this.socket.send(text);
    }
  }

  /** Waits until `predicate` holds over the frames received so far. */
  waitFor<T>(predicate: (frames: Frame[]) => T | undefined | false, timeoutMs = 5000): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const result = predicate(this.frames);
        if (result !== undefined && result !== false) {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((w) => w !== check);
          resolve(result);
        }
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`timed out; frames: ${JSON.stringify(this.frames).slice(0, 500)}`));
      }, timeoutMs);
      this.waiters.push(check);
      check();
    });
  }

  /** Waits for a frame of `type` (optionally matching `where`) after index `from`. */
  next(type: string, where: Partial<Frame> = {}, from = 0): Promise<Frame> {
    return this.waitFor((frames) =>
      frames
        .slice(from)
        .find((f) => f.type === type && Object.entries(where).every(([k, v]) => f[k] === v)),
    );
  }

  waitClose(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    return new Promise((resolve, reject) => {
      if (this.closed) return resolve(this.closed);
      const timer = setTimeout(() => reject(new Error("no close")), timeoutMs);
      this.socket.once("close", (code, reason) => {
        clearTimeout(timer);
        resolve({ code, reason: reason.toString() });
      });
    });
  }

  close(): void {
    if (this.socket.readyState === WebSocket.CONNECTING) this.socket.terminate();
    else this.socket.close();
  }
}
