import { connect, type Socket } from "node:net";
import { until } from "./until.js";

/** A raw TCP connection to 127.0.0.1 that records what the server writes and when it closes. */
export class RawHttp {
  readonly socket: Socket;
  received = "";
  closed = false;

  constructor(port: number, request?: string) {
    this.socket = connect(port, "127.0.0.1");
    this.socket.setEncoding("utf8");
    this.socket.on("data", (chunk: string) => {
      this.received += chunk;
    });
    this.socket.on("error", () => {});
    this.socket.on("close", () => {
      this.closed = true;
    });
    if (request !== undefined) this.socket.write(request);
  }

  /** The status code of the first response, once its status line has arrived. */
  get status(): number | undefined {
    const match = /^HTTP\/1\.1 (\d{3})/.exec(this.received);
    return match === null ? undefined : Number(match[1]);
  }

  /** How many HTTP responses (status lines) the server wrote. */
  get responses(): number {
    return this.received.match(/HTTP\/1\.1 \d{3}/g)?.length ?? 0;
  }

  /** Resolves once the server has closed the connection (or throws after `timeoutMs`). */
  async waitClosed(timeoutMs = 5000): Promise<void> {
    await until(() => this.closed, "the server to close the socket", timeoutMs);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** The text of a WebSocket upgrade request for `path`, with extra header lines. */
export function upgradeRequest(
  path: string,
  port: number,
  headers: Record<string, string> = {},
): string {
  const lines = [
    `GET ${path} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    "Connection: Upgrade",
    "Upgrade: websocket",
    "Sec-WebSocket-Version: 13",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join("\r\n")}\r\n\r\n`;
}
