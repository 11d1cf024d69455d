/**
 * Waiting for an ioredis client to be connected, for the commands that must not fail just
 * because a process started before its Redis connection was up (with `enableOfflineQueue:
 * false` ioredis refuses every command until then).
 * @module
 */
import type { RedisClient } from "./keys.js";

const waiting = new WeakMap<RedisClient, Promise<void>>();

/**
 * Resolves once `client` is ready: at once when it is, else at its `ready` event (a lazy
 * client is asked to connect). Rejects when the client ends (`quit()` or `disconnect()`)
 * first. Callers bound the wait with their deadline; one wait per client is shared.
 */
export function whenReady(client: RedisClient): Promise<void> {
  if (client.status === "ready") return Promise.resolve();
  if (client.status === "end") {
    return Promise.reject(new Error("the Redis client was closed (quit or disconnect)"));
  }
  let wait = waiting.get(client);
  if (wait === undefined) {
    wait = new Promise<void>((resolve, reject) => {
      const ready = () => {
        client.off("end", ended);
        resolve();
      };
      const ended = () => {
        client.off("ready", ready);
        reject(new Error("the Redis client was closed (quit or disconnect)"));
      };
      client.once("ready", ready);
      client.once("end", ended);
    }).finally(() => waiting.delete(client));
    // Nobody may be left listening after a deadline: never an unhandled rejection.
    wait.catch(() => undefined);
    waiting.set(client, wait);
    // A lazyConnect client connects on its first command, which this wait holds back.
    if (client.status === "wait") client.connect().catch(() => undefined);
  }
  return wait;
}
