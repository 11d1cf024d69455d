// botwire on botwire/ws (Node): the bench bot of bot.js.
import { serve } from "botwire/ws";
import { BENCH_POLICY, benchBot } from "./bot.js";
import { harness } from "./harness.js";

const { bot, counter, stack, broadcast } = benchBot();
const handle = serve(bot, { host: "127.0.0.1", port: 0, ...BENCH_POLICY });
await handle.ready;
harness({ port: handle.address().port, stack, broadcast }, counter);
