import { type ChildProcess, execFile } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { ROOT } from "../runtimes/helpers.js";
import { webDistMissing } from "../transports/web/dist.js";
import { startExample } from "./web-example.js";

// The Node examples that no other test runs, started as their comments say (after a build,
// `node examples/<name>/server.js`), on port 0: what a newcomer sees must be what they say.
const skip = webDistMissing("the Node examples");

const children = new Set<ChildProcess>();
afterEach(() => {
  for (const child of children) child.kill("SIGKILL");
  children.clear();
});

/** Runs an example that ends by itself; resolves with its exit code and output. */
function runToEnd(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: "0", HOST: "127.0.0.1", NO_COLOR: "1" };
  delete env.OPENAI_API_KEY;
  delete env.BOT_TOKEN;
  return new Promise((resolve) => {
    const child = execFile(process.execPath, args, { cwd: ROOT, env }, (_error, out, err) =>
      resolve({ code: child.exitCode, out, err }),
    );
    children.add(child);
  });
}

/** The built client, as an app imports it (Node 20 has no global WebSocket). */
async function connect(url: string) {
  const { BotClient } = (await import(
    new URL("../../dist/client.js", import.meta.url).href
  )) as typeof import("../../src/client/index.js");
  const client = new BotClient(url, { reconnect: false, WebSocket });
  await client.connect();
  return client;
}

/** Resolves with the exit code once `child` has exited. */
function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

describe.skipIf(skip)("examples run as their comments say", () => {
  it("echo: serves its page, answers on /chat, stops on Ctrl+C", { timeout: 60_000 }, async () => {
    const page = await startExample(
      children,
      process.execPath,
      ["examples/echo/server.js"],
      "echo bot",
    );
    const html = await fetch(page);
    expect(html.status).toBe(200);
    expect(await html.text()).toContain("<title>botwire echo</title>");
    expect((await fetch(new URL("/nothing", page))).status).toBe(404);

    const client = await connect(`${page.replace(/^http/, "ws")}chat`);
    const closed = new Promise<number>((resolve) => client.on("close", (e) => resolve(e.code)));
    expect((await client.request("/start")).text).toBe(
      "Hi! I repeat what you say. Try /shout hello.",
    );
    expect((await client.request("/shout hello")).text).toBe("HELLO");
    expect((await client.request("/shout")).text).toBe("SAY SOMETHING");
    expect((await client.request("hello web")).text).toBe("echo: hello web");

    const [child] = children;
    child?.kill("SIGINT");
    // A graceful stop: the client is told the server is going away, and the process ends.
    expect(await closed).toBe(1001);
    expect(await exited(child as ChildProcess)).toBe(0);
  });

  it("faq-bot --demo: recognises the questions and answers repeats from the cache", {
    timeout: 60_000,
  }, async () => {
    const { code, out } = await runToEnd(["examples/faq-bot/server.js", "--demo"]);
    expect(code).toBe(0);
    const answers = new Map<string, string>();
    for (const [, question = "", answer = ""] of out.matchAll(/^> (.*)\n< (.*)$/gm)) {
      answers.set(question, answer);
    }
    expect(answers.get("hi")).toBe("Hello! How can I help?");
    expect(answers.get("When r u open?")).toMatch(/^We are open/);
    expect(answers.get("do you ship to canada?!")).toMatch(/^Delivery takes/);
    expect(answers.get("can i pay with paypall")).toMatch(/^We accept cards/);
    expect(answers.get("tell me a joke")).toMatch(/^Sorry, I can only answer/);
    // The two repeated questions come from the cache; the four answers and the fallback do not.
    expect(answers.get("/stats")).toBe("cache: 2 hits, 3 misses");
  });

  it("secure-bot: each failure looks to the client as its title says", {
    timeout: 60_000,
  }, async () => {
    const { code, out } = await runToEnd(["examples/secure-bot/server.js"]);
    expect(code).toBe(0);
    const part = (title: string) => {
      const from = out.indexOf(`— ${title}`);
      expect(from, title).toBeGreaterThan(-1);
      const to = out.indexOf("\n— ", from + 1);
      return out.slice(from, to === -1 ? undefined : to);
    };
    expect(part("valid token")).toContain('"text":"hello Demo <user>"');
    expect(part("no token")).toMatch(/"code":"unauthorized".*\n {2}closed 4401/);
    expect(part("bad token")).toMatch(/"code":"unauthorized".*\n {2}closed 4401/);
    const invalid = part("invalid data");
    expect(invalid).toContain('"code":"bad_request"');
    // The valid note is saved, and its title is escaped in the HTML it is echoed into.
    expect(invalid).toContain('"html":"<b>&lt;i&gt;ok&lt;/i&gt;</b>"');
    const flood = part("flood");
    expect(flood).toMatch(/"code":"rate_limited".*"retryAfterMs":\d+/);
    expect(flood).toMatch(/closed 4429\s*$/);
    expect(part("foreign Origin")).toContain("HTTP 403 (upgrade refused)");
    // Nothing internal reaches a client: no stack, no file path.
    expect(out).not.toMatch(/ at .*\.(js|ts):\d+|node_modules/);
  });

  it("signup-form: the dialog validates, summarises and saves the account", {
    timeout: 60_000,
  }, async () => {
    const page = await startExample(
      children,
      process.execPath,
      ["examples/signup-form/server.js"],
      "signup bot",
      { REDIS_URL: "" },
    );
    expect((await fetch(page)).status).toBe(200);
    const client = await connect(`${page.replace(/^http/, "ws")}chat`);
    try {
      const say = async (text: string) => (await client.request(text)).text ?? "";
      expect(await say("/accounts")).toBe("No accounts yet. Type /signup.");
      expect(await say("/signup")).toMatch(/What is your name\?$/);
      expect(await say("A")).toMatch(/2 to 40 characters/);
      expect(await say("Ada")).toBe("Nice to meet you, Ada. Your email address?");
      expect(await say("ada@")).toMatch(/does not look like an email/);
      expect(await say("Ada@Example.org")).toBe("How old are you?");
      expect(await say("twelve")).toMatch(/whole number/);
      expect(await say("36")).toBe("Which plan: basic or pro?");
      expect(await say("gold")).toBe("Please choose basic or pro.");
      expect(await say("Pro")).toMatch(/email: ada@example\.org\n {2}age: 36\n {2}plan: pro\n/);
      expect(await say("maybe")).toBe("Please answer yes or no.");
      expect(await say("yes")).toBe(
        "Welcome aboard, Ada! Your pro account is ready. See /accounts.",
      );
      expect(await say("/accounts")).toBe("Ada <ada@example.org> (pro)");
      expect(await say("/cancel")).toBe("Nothing to cancel. Type /signup to start.");
      expect(await say("/signup")).toMatch(/name\?$/);
      expect(await say("/cancel")).toBe("Signup cancelled. Nothing was saved.");
      expect(await say("/accounts")).toBe("Ada <ada@example.org> (pro)");
    } finally {
      client.close();
    }
  });

  it("llm-stream --demo: streams an answer, then cancels one halfway", {
    timeout: 60_000,
  }, async () => {
    const { code, out, err } = await runToEnd(["examples/llm-stream/server.js", "--demo"]);
    expect(code).toBe(0);
    expect(out).toContain(
      "OPENAI_API_KEY is not set: answering with the local deterministic model.",
    );
    expect(out).toMatch(/You asked: “how do reconnects work\?”[\s\S]+\n\[done\]\n/);
    const kept = /\[cancelled: (\d+) words kept\]/.exec(out);
    expect(kept).not.toBeNull();
    // Cancelled after about 20 words: the words kept are a few more at most, not the answer.
    expect(Number(kept?.[1])).toBeGreaterThanOrEqual(20);
    expect(Number(kept?.[1])).toBeLessThan(60);
    expect(err).toMatch(/answered \(done, \d+ characters\): how do reconnects work\?/);
    expect(err).toMatch(/answered \(cancelled, \d+ characters\): tell me about streams/);
  });
});
