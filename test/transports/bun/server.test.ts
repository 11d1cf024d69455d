import { describe, it } from "vitest";
import { fixture } from "../../runtimes/helpers.js";
import { type CaseResult, collectResults } from "../../runtimes/suite-process.js";
import { bunRuntime } from "./runtime.js";

// botwire/bun (built) on real Bun servers: attached to the user's Bun.serve, the shared
// refusals, maxPayload and Bun's dropped sends. The checks run in one Bun process
// (fixtures/bun-checks.js); each is reported here as a test of its own.
const { skip, binary } = bunRuntime();

const CHECKS = [
  "attaches to the user's Bun.serve: takes upgrades on its path, leaves the rest to the app",
  "serves two bots on different paths of one Bun.serve with one websocket option",
  "refuses a cross-origin request with 403 by default, and accepts its own origin",
  "refuses over maxConnections with 503 and over maxConnectionsPerIp with 429",
  "answers a refusal with a Response: status, Retry-After for 429",
  "hands the upgrade hook's user to the bot and answers its refusals",
  "closes a connection that sends a frame over maxPayload with 1009",
  "closes a connection as a slow reader (1013) when Bun drops a send",
  "runs the heartbeat on Bun's idleTimeout: drops a peer that stopped answering, keeps the others",
  "serve() answers other requests with 426, or with its fetch option",
  "drains: new upgrades get 503, open connections get a goaway and are served until they go",
];

describe.skipIf(skip)("botwire/bun on real Bun servers", () => {
  let results: Promise<CaseResult[]> | undefined;
  const resultOf = async (title: string) => {
    results ??= collectResults(binary, ["--no-install", fixture("bun-checks.js")]);
    const result = (await results).find((r) => r.title === title);
    if (result === undefined) throw new Error(`bun-checks.js reported nothing for "${title}"`);
    if (!result.ok) throw new Error(result.error ?? "failed");
  };
  for (const title of CHECKS) it(title, { timeout: 240_000 }, () => resultOf(title));
});
