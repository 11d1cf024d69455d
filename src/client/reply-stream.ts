/**
 * The object `BotClient.stream()` returns: the growing text of the reply to one message as
 * an async iterable, and its final message as a promise.
 * @module
 */
import type { ReplyStream } from "./events.js";
import type { BotMessage } from "./frames.js";

/**
 * Follows the reply to message `id` until `final` settles.
 * @param watchers - where the client looks up who follows the reply to a message id
 */
export function replyStream(
  id: string,
  final: Promise<BotMessage>,
  watchers: Map<string, (text: string) => void>,
  cancel: () => void,
): ReplyStream {
  let text = "";
  let done = false;
  let failure: unknown;
  let wake: Array<() => void> = [];
  const update = (next: string) => {
    text = next;
    for (const resolve of wake) resolve();
    wake = [];
  };
  watchers.set(id, update);
  const settle = (next: string, error?: unknown) => {
    watchers.delete(id);
    done = true;
    failure = error;
    update(next);
  };
  // Handles every rejection of `final`: a caller who only iterates sees it thrown there.
  final.then(
    (message) => settle(message.text ?? ""),
    (error: unknown) => settle(text, error),
  );
  return {
    id,
    final,
    cancel,
    async *[Symbol.asyncIterator]() {
      let last = "";
      for (;;) {
        if (text !== last) {
          last = text;
          yield last;
        } else if (done) {
          if (failure !== undefined) throw failure;
          return;
        } else await new Promise<void>((resolve) => wake.push(resolve));
      }
    },
  };
}
