// A scripted conversation with the observability example, so every metric has data:
//   node examples/observability/conversation.js ws://127.0.0.1:3003/chat
// Each user starts a trace of its own (a W3C traceparent in its first frame is what a
// browser instrumented with OpenTelemetry would send; BotClient does not add one itself).
import { BotClient } from "botwire/client";

const url = process.argv[2] ?? "ws://127.0.0.1:3003/chat";
const script = [
  "/start",
  "/count",
  "/count",
  "/signup",
  "Ada",
  "when are you open?",
  "/story",
  "/boom",
  "/limited",
  "/limited",
  "/limited",
  "something else",
];

/** Plays the script as `users` clients, one after another; resolves with what they heard. */
export async function converse(target, users = 3) {
  const heard = [];
  for (let i = 0; i < users; i++) {
    const client = new BotClient(target, { reconnect: false });
    await client.connect();
    for (const text of script) {
      try {
        const reply = await client.request(text, undefined, { timeoutMs: 5000 });
        heard.push(reply.text ?? "");
      } catch (error) {
        heard.push(`error: ${error.code ?? error.message}`);
      }
    }
    client.close();
  }
  return heard;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const heard = await converse(url);
  console.log(heard.join("\n"));
  console.log(`conversation done: ${heard.length} replies`);
}
