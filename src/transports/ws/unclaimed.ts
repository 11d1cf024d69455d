/**
 * Upgrade requests on a shared server that no bot's `path` matches. Node hands an upgrade
 * socket to the `upgrade` listeners and forgets it: no HTTP timeout applies any more, and
 * if no listener answers, the socket stays open until the peer gives up — or forever, in
 * CLOSE_WAIT, once it has. Enough of them exhaust the process's file descriptors. So one
 * botwire transport per server answers for requests on paths no bot serves: at once with
 * 404 when botwire's are the only listeners, else after the other listeners had
 * `upgradeTimeoutMs` to take the socket (engine.io's `destroyUpgrade` does the same).
 * @module
 */
import type { EventEmitter } from "node:events";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { pathOf, refuse } from "./upgrade.js";

/** A transport attached to a server, as the others on that server see it. */
export interface Attached {
  /** Whether it takes upgrade requests on `path` (a transport without `path` takes all). */
  takes(path: string): boolean;
  /** How long another listener may take to claim a request (`upgradeTimeoutMs`). */
  readonly upgradeTimeoutMs: number;
}

/** The botwire transports on each server, in the order they were attached. */
const attachedTo = new WeakMap<EventEmitter, Attached[]>();

/** Records that `transport` listens for upgrades on `server`. */
export function attach(server: EventEmitter, transport: Attached): void {
  const list = attachedTo.get(server) ?? [];
  list.push(transport);
  attachedTo.set(server, list);
}

/** Forgets `transport` (it stopped listening on `server`). */
export function detach(server: EventEmitter, transport: Attached): void {
  const list = attachedTo.get(server)?.filter((t) => t !== transport) ?? [];
  if (list.length === 0) attachedTo.delete(server);
  else attachedTo.set(server, list);
}

function destroySocket(this: Duplex): void {
  this.destroy();
}

/** Whether some listener answered, took or closed the socket. */
function claimed(socket: Duplex): boolean {
  const written = (socket as { bytesWritten?: number }).bytesWritten ?? 0;
  return socket.destroyed || !socket.writable || written > 0 || socket.writableLength > 0;
}

/** Answers 404 unless another listener has claimed the socket by now. */
function answerIfUnclaimed(socket: Duplex): void {
  if (!claimed(socket)) refuse(socket, 404);
}

/**
 * Called by a transport attached to `server` for an upgrade request on a path it does not
 * serve. Does nothing when another botwire transport serves that path, or when this one is
 * not the first attached (that one answers, so a request is answered once).
 */
export function unclaimed(
  server: EventEmitter,
  self: Attached,
  request: IncomingMessage,
  socket: Duplex,
): void {
  const ours = attachedTo.get(server) ?? [];
  const path = pathOf(request);
  if (ours[0] !== self || ours.some((transport) => transport.takes(path))) return;
  // Without an 'error' listener, a reset from the peer would be an uncaught exception.
  socket.on("error", destroySocket);
  if (server.listenerCount("upgrade") <= ours.length) return refuse(socket, 404);
  // Other listeners: those that answer at once have done so by the next turn of the loop;
  // the others get until the deadline, then the socket is answered and closed.
  setImmediate(() => {
    if (claimed(socket)) return;
    const timer = setTimeout(answerIfUnclaimed, self.upgradeTimeoutMs, socket);
    timer.unref();
    socket.once("close", () => clearTimeout(timer));
  });
}
