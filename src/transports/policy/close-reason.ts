/**
 * Close codes and reasons the way RFC 6455 allows them, for every transport.
 * @module
 */

/** A close frame's reason may be at most 123 bytes of UTF-8 (RFC 6455 §5.5). */
const MAX_REASON_BYTES = 123;

let encoder: TextEncoder | undefined;

/** UTF-8 length of `text` (an encoder made on first use: nothing runs at import time). */
function utf8Length(text: string): number {
  encoder ??= new TextEncoder();
  return encoder.encode(text).length;
}

/**
 * `reason` cut to at most 123 bytes of UTF-8, at a character boundary (never half a
 * character, which would make the close frame invalid and the peer fail the connection).
 */
export function clampReason(reason: string): string {
  if (reason.length <= MAX_REASON_BYTES / 3 || utf8Length(reason) <= MAX_REASON_BYTES) {
    return reason;
  }
  const chars = Array.from(reason);
  let out = "";
  let bytes = 0;
  for (const char of chars) {
    const size = utf8Length(char);
    if (bytes + size > MAX_REASON_BYTES) break;
    out += char;
    bytes += size;
  }
  return out;
}

/**
 * Whether `code` may be sent in a close frame: 1000–1003, 1007–1014 (RFC 6455 and the IANA
 * registry), or 3000–4999 (libraries and applications; botwire's own are 4000–4999).
 */
export function isValidCloseCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
    (code >= 3000 && code <= 4999)
  );
}
