import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getJson, startWorkerd, type Workerd } from "../../helpers/workerd.js";
import { checkRuntime, fixture, nodeTranscript, type Transcript } from "../../runtimes/helpers.js";
import { type CaseResult, runtimeSuite } from "../../runtimes/suite-process.js";
import { webDistMissing } from "./dist.js";

// botwire/web (built) inside workerd: a Durable Object upgrades with WebSocketPair; the
// conformance suite and the script run inside it, with TCP clients (node:net) to its own port.
const runtime = checkRuntime("workerd");
const skip = runtime.skip || webDistMissing("botwire/web in workerd");

let workerd: Promise<Workerd> | undefined;
/** One workerd for the whole file, started on first use. */
const started = () => {
  workerd ??= startWorkerd(runtime.binary, fixture("workerd-web.js"));
  return workerd;
};

afterAll(async () => {
  await (await workerd)?.stop();
});

runtimeSuite({
  title: "transport conformance: botwire/web on WebSocketPair, in workerd",
  skip,
  results: async () => getJson<CaseResult[]>(await started(), "/suite"),
});

describe.skipIf(skip)("botwire/web in workerd", () => {
  beforeAll(async () => {
    await started();
  }, 180_000);

  it("serves the fixture bot, which answers the script exactly as in Node", {
    timeout: 180_000,
  }, async () => {
    const transcript = await getJson<Transcript>(await started(), "/script");
    expect(transcript).toEqual(await nodeTranscript());
  });
});
