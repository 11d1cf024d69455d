/**
 * Client message ids: a random prefix per client plus a counter, so ids are unique within
 * a session even across page reloads that resume it, and cheap to make.
 * @module
 */

function randomPrefix(): string {
  const bytes = new Uint8Array(6);
  const crypto = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => void } }).crypto;
  if (crypto?.getRandomValues) crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  let out = "";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out;
}

/** Returns a generator of ids like `"3fa9c01b22e4-1"`, `"3fa9c01b22e4-2"`, … */
export function messageIds(): () => string {
  const prefix = randomPrefix();
  let counter = 0;
  return () => `${prefix}-${(++counter).toString(36)}`;
}
