import { createServer } from "node:http";
import type { Bot } from "../../src/index.js";
import { type Inspector, inspector } from "../../src/inspect/index.js";
import { serve } from "../../src/transports/ws/index.js";
import { listen } from "../helpers/servers.js";
import { RawClient } from "../helpers/ws-client.js";

/** The inspector's token in these tests. */
export const TOKEN = "inspect-token-0123456789";

/** A bot on its own http server on 127.0.0.1: chat at `/`, the inspector under `/inspect`. */
export async function startNode(bot: Bot, cleanups: Array<() => unknown>) {
  const inspect: Inspector = inspector(bot, {
    token: TOKEN,
    basePath: "/inspect",
    collectMs: 1000,
  });
  const server = createServer((req, res) => {
    if (req.url?.startsWith("/inspect")) return inspect.node(req, res);
    res.writeHead(404).end();
  });
  const handle = serve(bot, { server });
  const { http, ws, close } = await listen(server);
  await Promise.all([handle.ready, inspect.ready]);
  cleanups.push(
    close,
    () => handle.close(),
    () => inspect.close(),
  );
  /** Opens a raw client, says hello and one message; resolves once the reply came. */
  const chat = async (text: string) => {
    const client = new RawClient(ws);
    cleanups.push(() => client.close());
    client.send({ type: "hello" });
    await client.next("welcome");
    client.send({ type: "message", id: "m1", text });
    await client.waitFor((frames) => frames.some((f) => f.replyTo === "m1"));
    return client;
  };
  return { inspect, http, chat };
}
