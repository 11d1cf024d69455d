import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { Bot } from "../../../src/index.js";
import { type ServeOptions, serve } from "../../../src/transports/ws/index.js";
import { RawHttp, upgradeRequest } from "../../helpers/raw-http.js";
import { cleanupAfterEach, echoBot, listen } from "../../helpers/servers.js";
import { until } from "../../helpers/until.js";
import { RawClient } from "../../helpers/ws-client.js";

const cleanups = cleanupAfterEach();

async function attached(options: Omit<ServeOptions, "server" | "port" | "noServer"> = {}) {
  const http = await listen();
  cleanups.push(http.close);
  const handle = serve(echoBot(), { server: http.server, ...options });
  cleanups.push(() => handle.close());
  await handle.ready;
  const { port } = http.server.address() as AddressInfo;
  return { http, handle, port };
}

function raw(port: number, path: string, headers: Record<string, string> = {}): RawHttp {
  const connection = new RawHttp(port, upgradeRequest(path, port, headers));
  cleanups.push(() => connection.destroy());
  return connection;
}

/** A promise that never settles: an `upgrade` hook that hangs. */
const never = () => new Promise<never>(() => {});

describe("upgrades nobody takes (attached server)", () => {
  it("answers 404 and closes an upgrade to another path when no other listener exists", async () => {
    const { port } = await attached({ path: "/chat" });
    for (const path of ["/x", "/chat/", "/chatx"]) {
      const c = raw(port, path);
      await c.waitClosed();
      expect(c.status).toBe(404);
    }
    const ok = new RawClient(`ws://127.0.0.1:${port}/chat`);
    cleanups.push(() => ok.close());
    await ok.opened;
  });

  it("with several bots on one server, answers an upgrade that matches none exactly once", async () => {
    const http = await listen();
    cleanups.push(http.close);
    const a = new Bot();
    a.on("message", (ctx) => ctx.reply("from a"));
    const b = new Bot();
    b.on("message", (ctx) => ctx.reply("from b"));
    const ha = serve(a, { server: http.server, path: "/a" });
    const hb = serve(b, { server: http.server, path: "/b" });
    cleanups.push(
      () => ha.close(),
      () => hb.close(),
    );
    const { port } = http.server.address() as AddressInfo;
    const c = raw(port, "/c");
    await c.waitClosed();
    expect(c.status).toBe(404);
    expect(c.responses).toBe(1);
    for (const [path, text] of [
      ["/a", "from a"],
      ["/b", "from b"],
    ] as const) {
      const client = new RawClient(`ws://127.0.0.1:${port}${path}`);
      cleanups.push(() => client.close());
      client.send("x");
      expect((await client.next("message")).text).toBe(text);
    }
  });

  it("leaves an upgrade that another listener takes later alone", async () => {
    const { http, port } = await attached({ path: "/chat" });
    const other = new WebSocketServer({ noServer: true });
    cleanups.push(() => other.close());
    other.on("connection", (ws) => ws.send(JSON.stringify({ type: "other" })));
    http.server.on("upgrade", (req, socket, head) => {
      if (req.url !== "/other") return;
      // Takes its time, as an authenticating listener would.
      setTimeout(
        () => other.handleUpgrade(req, socket, head, (ws) => other.emit("connection", ws)),
        50,
      );
    });
    const client = new RawClient(`ws://127.0.0.1:${port}/other`);
    cleanups.push(() => client.close());
    await client.opened;
    await client.next("other");
  });

  it("closes an upgrade that another listener leaves waiting, after upgradeTimeoutMs", async () => {
    const { http, port } = await attached({ path: "/chat", upgradeTimeoutMs: 200 });
    http.server.on("upgrade", () => {
      // A listener that looks at every upgrade and takes none.
    });
    const c = raw(port, "/elsewhere");
    await c.waitClosed();
    expect(c.status).toBe(404);
  });
});

describe("upgrades waiting for the upgrade hook", () => {
  it("refuses with 503 once upgradeTimeoutMs passes and gives the address's count back", async () => {
    let calls = 0;
    const { port } = await attached({
      path: "/chat",
      upgradeTimeoutMs: 200,
      maxConnectionsPerIp: 1,
      upgrade: () => {
        calls++;
        return never();
      },
    });
    const first = raw(port, "/chat");
    await first.waitClosed();
    expect(first.status).toBe(503);
    // Refused with 503 again (its own timeout), not 429: the first one's count was given back.
    const second = raw(port, "/chat");
    await second.waitClosed();
    expect(second.status).toBe(503);
    expect(calls).toBe(2);
  });

  it("handle.close() does not wait for a hook that never answers, and closes its socket", async () => {
    let waiting = 0;
    const { handle, port } = await attached({
      path: "/chat",
      upgrade: () => {
        waiting++;
        return never();
      },
    });
    const c = raw(port, "/chat");
    await until(() => waiting === 1, "the upgrade to reach the hook");
    let closed = false;
    void handle.close().then(() => {
      closed = true;
    });
    // Both well before the default upgradeTimeoutMs (10 s).
    await until(() => closed, "handle.close() to resolve", 5000);
    await c.waitClosed(5000);
    expect(c.status).toBe(503);
  });
});
