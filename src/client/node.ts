/**
 * `botwire/client` as Node resolves it (the `node` export condition): the same API as
 * `./index.ts`, plus `ws` as the WebSocket where Node has no global one (Node 20–21).
 * Browsers, Deno, Bun and workerd resolve `./index.ts` and never load `ws`.
 * @module
 */
import { WebSocket } from "ws";
import { useFallbackWebSocket, type WebSocketConstructor } from "./socket.js";

useFallbackWebSocket(WebSocket as unknown as WebSocketConstructor);

export * from "./index.js";
