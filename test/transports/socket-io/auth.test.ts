import { io as socketIoClient } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { BotClient, ConnectionClosedError } from "../../../src/client/index.js";
import { type AuthFlavor, auth, Bot, type Context } from "../../../src/index.js";
import { socketIoWebSocket } from "../../../src/transports/socket-io/index.js";
import { until as waitUntil } from "../../helpers/until.js";
import { type Harness, startHarness } from "./harness.js";

// Socket.IO's own authentication reaches the bot: a namespace middleware's socket.data.user
// becomes ctx.user, and io(url, { auth: { token } }) is checked by botwire's auth().

interface User {
  id: string;
  name: string;
}
type Ctx = Context & AuthFlavor<User>;

const running: Harness[] = [];
afterEach(async () => {
  for (const harness of running.splice(0)) await harness.stop();
});

/** Waits for `check` (10 s at most: Socket.IO reconnects take their time). */
const until = (check: () => boolean, what: string) => waitUntil(check, what, 10_000);

function whoamiBot(required = true) {
  const bot = new Bot<Ctx>();
  bot.use(
    auth<User, Ctx>({
      verify: (token) => (token === "s3cret" ? { id: "u1", name: "Ada" } : undefined),
      required,
    }),
  );
  bot.on("message", (ctx) => ctx.reply(`you are ${ctx.user?.name ?? "nobody"}`));
  return bot;
}

const frames = (raw: readonly string[]) => raw.map((f) => JSON.parse(f) as Record<string, unknown>);

describe("authentication through Socket.IO", () => {
  it("takes the user a namespace middleware put in socket.data.user as ctx.user", async () => {
    const harness = await startHarness(whoamiBot(), {
      setup(namespace) {
        namespace.use((socket, next) => {
          if (socket.handshake.headers.cookie !== "sid=ok") return next(new Error("unauthorized"));
          socket.data.user = { id: "u2", name: "Grace" };
          next();
        });
      },
    });
    running.push(harness);
    const socket = await harness.connect({ extraHeaders: { cookie: "sid=ok" } });
    socket.send("who am I?");
    await until(() => frames(socket.received).some((f) => f.type === "message"), "the reply");
    expect(frames(socket.received).find((f) => f.type === "message")?.text).toBe("you are Grace");
    // The middleware's refusal is Socket.IO's: a connect_error, no bot connection.
    await expect(harness.connect()).rejects.toThrow("unauthorized");
    expect(harness.handle.connections).toBe(1);
  });

  it("checks handshake.auth.token with auth(): accepted", async () => {
    const harness = await startHarness(whoamiBot());
    running.push(harness);
    const socket = await harness.connect({ auth: { token: "s3cret" } });
    socket.send(JSON.stringify({ type: "hello" }));
    socket.send(JSON.stringify({ type: "message", id: "m1", text: "hi" }));
    await until(() => frames(socket.received).some((f) => f.type === "message"), "the reply");
    expect(frames(socket.received).find((f) => f.type === "message")?.text).toBe("you are Ada");
  });

  it("checks handshake.auth.token with auth(): a wrong or missing token is refused with 4401", async () => {
    const harness = await startHarness(whoamiBot());
    running.push(harness);
    for (const options of [{ auth: { token: "wrong" } }, {}]) {
      const socket = await harness.connect(options);
      socket.send(JSON.stringify({ type: "hello" }));
      expect(await socket.closed).toBe(4401);
      expect(frames(socket.received)).toMatchObject([{ type: "error", code: "unauthorized" }]);
    }
  });

  it("a real Authorization header wins over handshake.auth.token", async () => {
    const harness = await startHarness(whoamiBot());
    running.push(harness);
    const socket = await harness.connect({
      auth: { token: "wrong" },
      extraHeaders: { authorization: "Bearer s3cret" },
    });
    socket.send("hi");
    await until(() => frames(socket.received).some((f) => f.type === "message"), "the reply");
    expect(frames(socket.received).find((f) => f.type === "message")?.text).toBe("you are Ada");
  });

  it("BotClient through the adapter stops for good on 4401 and counts the failed login", async () => {
    const harness = await startHarness(whoamiBot(), {
      attach: { authFailuresPerIp: { limit: 1, windowMs: 60_000 } },
    });
    running.push(harness);
    const WebSocket = socketIoWebSocket((url) =>
      socketIoClient(url, { transports: ["websocket"], forceNew: true, auth: { token: "wrong" } }),
    );
    const client = new BotClient(harness.wsUrl, { WebSocket, reconnect: { initialDelayMs: 10 } });
    const error = await client.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect((error as ConnectionClosedError).code).toBe(4401);
    // The address's budget of failed logins is spent: the next socket is refused with 1013.
    const next = await harness.connect({ auth: { token: "s3cret" } });
    expect(await next.closed).toBe(1013);
  });
});
