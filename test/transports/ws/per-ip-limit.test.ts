import { createServer, get, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { Bot } from "../../../src/index.js";
import { AddressCounts } from "../../../src/transports/policy/index.js";
import { type ServeOptions, serve } from "../../../src/transports/ws/index.js";
import { resolveServeOptions } from "../../../src/transports/ws/options.js";
import { addressOf } from "../../../src/transports/ws/upgrade.js";
import {
  cleanupAfterEach,
  echoBot,
  listen,
  rawClientOf,
  serveOnPort,
} from "../../helpers/servers.js";
import { until } from "../../helpers/until.js";
import type { RawClient } from "../../helpers/ws-client.js";

const cleanups = cleanupAfterEach();

async function onPort(options: Omit<ServeOptions, "port" | "host" | "server" | "noServer">) {
  return serveOnPort(cleanups, echoBot(), options);
}

function client(url: string, headers: Record<string, string> = {}): RawClient {
  return rawClientOf(cleanups, url, headers);
}

/** A promise the test resolves by hand. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** Sends an upgrade request without a Sec-WebSocket-Key; resolves with the response status. */
function badHandshake(url: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const req = get(url.replace("ws:", "http:"), {
      headers: { connection: "Upgrade", upgrade: "websocket" },
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on("upgrade", (_res, socket) => {
      socket.destroy();
      resolve(101);
    });
    req.on("error", reject);
  });
}

describe("maxConnectionsPerIp", () => {
  it("refuses upgrades beyond the limit with 429 and accepts again once one closes", async () => {
    const { handle, url } = await onPort({ maxConnectionsPerIp: 2 });
    const a = client(url);
    const b = client(url);
    await Promise.all([a.opened, b.opened]);

    const c = client(url);
    await expect(c.opened).rejects.toThrow("HTTP 429");
    expect(handle.connections).toBe(2);

    a.close();
    await until(() => handle.connections === 1, "the server to see the close");
    const d = client(url);
    await d.opened;
    d.send("hi");
    expect((await d.next("message")).text).toBe("echo: hi");
    await expect(client(url).opened).rejects.toThrow("HTTP 429");
    expect(handle.connections).toBe(2);
  });

  it("counts upgrades still waiting for the upgrade hook", async () => {
    const hook = gate();
    let waiting = 0;
    const { url } = await onPort({
      maxConnectionsPerIp: 1,
      upgrade: async () => {
        waiting++;
        await hook.opened;
        return true;
      },
    });
    const first = client(url);
    await until(() => waiting === 1, "the first upgrade to reach the hook");
    await expect(client(url).opened).rejects.toThrow("HTTP 429");
    hook.open();
    await first.opened;
    expect(waiting).toBe(1);
  });

  it("gives the count back for every refused or failed upgrade", async () => {
    const hook = gate();
    const waiting: IncomingMessage[] = [];
    const { handle, url } = await onPort({
      maxConnectionsPerIp: 1,
      allowedOrigins: ["https://good.example"],
      upgrade: async (req) => {
        const kind = req.headers["x-kind"];
        if (kind === "deny") return false;
        if (kind === "throw") throw new Error("hook failed");
        if (kind === "wait") {
          waiting.push(req);
          await hook.opened;
        }
        return true;
      },
    });

    for (let i = 0; i < 3; i++) {
      await expect(client(url, { origin: "https://evil.example" }).opened).rejects.toThrow(
        "HTTP 403",
      );
      await expect(client(url, { "x-kind": "deny" }).opened).rejects.toThrow("HTTP 401");
      await expect(client(url, { "x-kind": "throw" }).opened).rejects.toThrow("HTTP 500");
      expect(await badHandshake(url)).toBe(400);
    }

    // A client that gives up while the hook runs.
    const quitter = client(url, { "x-kind": "wait" });
    await until(() => waiting.length === 1, "the upgrade to reach the hook");
    quitter.close();
    const abandoned = waiting[0]?.socket;
    await until(() => abandoned?.readable === false, "the server to see the client's FIN");
    hook.open();
    // ws finds the socket half-closed, destroys it and never calls back.
    await until(() => abandoned?.destroyed === true, "ws to drop the socket");
    expect(handle.connections).toBe(0);

    // Refusals for being over the limit give their count back too.
    const holder = client(url);
    await holder.opened;
    for (let i = 0; i < 3; i++) await expect(client(url).opened).rejects.toThrow("HTTP 429");
    holder.close();
    await until(() => handle.connections === 0, "the holder to be gone");

    // With the limit at 1, any leaked count above would refuse this one.
    const last = client(url);
    await last.opened;
    await expect(client(url).opened).rejects.toThrow("HTTP 429");
  });

  it("counts an IPv4-mapped IPv6 address as the IPv4 address", async (ctx) => {
    const handle = serve(echoBot(), { noServer: true, maxConnectionsPerIp: 1 });
    cleanups.push(() => handle.close());
    await handle.ready;
    const seen: Array<string | undefined> = [];
    const feed = (server: Server) =>
      server.on("upgrade", (req, socket, head) => {
        seen.push(req.socket.remoteAddress);
        handle.handleUpgrade(req, socket, head);
      });

    const v4 = await listen();
    cleanups.push(v4.close);
    feed(v4.server);
    // A dual-stack server sees 127.0.0.1 as ::ffff:127.0.0.1.
    const dual = createServer();
    const listening = await new Promise<boolean>((resolve) => {
      dual.once("error", () => resolve(false));
      dual.listen(0, "::", () => resolve(true));
    });
    if (!listening) return ctx.skip("no IPv6 on this machine");
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          dual.closeAllConnections();
          dual.close(() => resolve());
        }),
    );
    feed(dual);
    const dualUrl = `ws://127.0.0.1:${(dual.address() as AddressInfo).port}`;

    const first = client(v4.ws);
    await first.opened;
    await expect(client(dualUrl).opened).rejects.toThrow("HTTP 429");
    expect(seen).toEqual(["127.0.0.1", "::ffff:127.0.0.1"]);

    first.close();
    await until(() => handle.connections === 0, "the first connection to close");
    await client(dualUrl).opened;
    await expect(client(v4.ws).opened).rejects.toThrow("HTTP 429");
  });

  it("defaults to 100 and rejects values that are not positive integers", () => {
    expect(resolveServeOptions({ noServer: true }).maxConnectionsPerIp).toBe(100);
    expect(
      resolveServeOptions({ noServer: true, maxConnectionsPerIp: 1 }).maxConnectionsPerIp,
    ).toBe(1);
    const bot = new Bot();
    for (const bad of [
      0,
      -1,
      1.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      "2" as unknown as number,
    ]) {
      expect(() => serve(bot, { noServer: true, maxConnectionsPerIp: bad })).toThrow(
        new RangeError(
          `serve(): maxConnectionsPerIp must be a positive integer, got ${String(bad)}`,
        ),
      );
    }
    expect(bot.running).toBe(false);
  });
});

describe("address counting", () => {
  const request = (remoteAddress: string | undefined) =>
    ({ socket: { remoteAddress } }) as IncomingMessage;

  it("maps IPv4-mapped IPv6 addresses to IPv4 and leaves others alone", () => {
    expect(addressOf(request("::ffff:10.1.2.3"))).toBe("10.1.2.3");
    expect(addressOf(request("10.1.2.3"))).toBe("10.1.2.3");
    expect(addressOf(request("::1"))).toBe("::1");
    expect(addressOf(request("2001:db8::ffff:1"))).toBe("2001:db8::ffff:1");
    expect(addressOf(request(undefined))).toBeUndefined();
  });

  it("forgets an address at zero and does not count a missing address", () => {
    const counts = new AddressCounts();
    expect(counts.add("10.0.0.1")).toBe(0);
    expect(counts.add("10.0.0.1")).toBe(1);
    expect(counts.add(undefined)).toBe(0);
    expect(counts.get("10.0.0.1")).toBe(2);
    expect(counts.size).toBe(1);
    counts.remove("10.0.0.1");
    counts.remove(undefined);
    expect(counts.get("10.0.0.1")).toBe(1);
    counts.remove("10.0.0.1");
    expect(counts.size).toBe(0);
  });
});
