import type { AddressInfo } from "node:net";
import type { Bot, Context } from "../../src/index.js";
import { serve } from "../../src/transports/ws/index.js";
import { type Frame, RawClient } from "../helpers/ws-client.js";

/** Serves `bot` on 127.0.0.1, port 0; returns its ws URL and a stop function. */
export async function start<C extends Context>(bot: Bot<C>) {
  const handle = serve(bot, { port: 0, host: "127.0.0.1" });
  await handle.ready;
  const { port } = handle.address() as AddressInfo;
  return { url: `ws://127.0.0.1:${port}`, close: () => handle.close() };
}

/** A raw client that has said hello and got its welcome. */
export interface Chat {
  raw: RawClient;
  welcome: Frame;
  /** Sends a message with a fresh id and waits for the reply or error frame answering it. */
  say(text: string): Promise<Frame>;
  /** Sends without waiting; returns the message id. */
  post(text: string): string;
  /** The reply or error frame answering message `id`. */
  answer(id: string): Promise<Frame>;
  /** Highest seq received. */
  lastSeq(): number;
  close(): Promise<void>;
}

let ids = 0;

/** Connects, sends `hello` and waits for the welcome. */
export async function connect(url: string, hello: Record<string, unknown> = {}): Promise<Chat> {
  const raw = new RawClient(url);
  await raw.opened;
  raw.send({ type: "hello", ...hello });
  const welcome = await raw.next("welcome");
  const answer = (id: string) =>
    raw.waitFor((frames) =>
      frames.find((f) => (f.type === "message" || f.type === "error") && f.replyTo === id),
    );
  const post = (text: string) => {
    const id = `m${++ids}`;
    raw.send({ type: "message", id, text });
    return id;
  };
  return {
    raw,
    welcome,
    post,
    answer,
    say: (text) => answer(post(text)),
    lastSeq: () =>
      Math.max(0, ...raw.frames.filter((f) => f.type === "message").map((f) => f.seq as number)),
    close: async () => {
      raw.close();
      await raw.waitClose();
    },
  };
}
