/**
 * `maxPayload` for runtimes whose WHATWG server sockets take no size limit: frames are
 * measured once they arrived.
 * @module
 */

let encoder: TextEncoder | undefined;

/**
 * Whether a frame's payload is over `limit` bytes: UTF-8 for a string, `byteLength` or
 * `size` for binary data. A string is encoded only when its length does not decide (each
 * UTF-16 unit is one to three bytes of UTF-8).
 */
export function exceeds(data: unknown, limit: number): boolean {
  if (typeof data === "string") {
    if (data.length * 3 <= limit) return false;
    if (data.length > limit) return true;
    encoder ??= new TextEncoder();
    return encoder.encode(data).length > limit;
  }
  if (typeof data === "object" && data !== null) {
    const { byteLength, size } = data as { byteLength?: unknown; size?: unknown };
    if (typeof byteLength === "number") return byteLength > limit;
    if (typeof size === "number") return size > limit;
  }
  return false;
}
