/**
 * Random identifiers from the platform's CSPRNG (Web Crypto: Node ≥ 20, browsers, Deno, Bun).
 * @module
 */

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** A hex string of `bytes` random bytes (default 16 = 128 bits), unguessable. */
export function randomId(bytes = 16): string {
  const buf = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(buf);
  let out = "";
  for (const b of buf) out += HEX[b];
  return out;
}

let counter = 0;
// Made on first use: workerd refuses randomness at import time ("Disallowed operation
// called within global scope"), and no module of the core does work when it is imported.
let prefix: string | undefined;

/** A short id that is unique within this process (not secret): for connection ids. */
export function localId(): string {
  prefix ??= randomId(4);
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${prefix}-${counter.toString(36)}`;
}
