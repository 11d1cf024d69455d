// botwire on botwire/bun, in a Bun process (run.js starts it with the bun binary): the same
// bench bot as botwire.js, on Bun.serve's native WebSockets.
import { serve } from "botwire/bun";
import { BENCH_POLICY, benchBot } from "./bot.js";
import { harness } from "./harness.js";

const { bot, counter, stack, broadcast } = benchBot();
const handle = serve(bot, { hostname: "127.0.0.1", port: 0, ...BENCH_POLICY });
await handle.ready;
harness(
  { port: handle.port, stack: { ...stack, runtime: `Bun ${Bun.version}` }, broadcast },
  counter,
);
