/**
 * `trustProxy`: the client's address when connections arrive through reverse proxies, read
 * from `X-Forwarded-For` or `Forwarded` the way Express's `proxy-addr` does — walking from
 * the socket's address towards the client, hop by hop, and stopping at the first address
 * that is not a trusted proxy. Only proxies append honestly; everything to the left of the
 * last trusted hop was written by the client and may be a lie, so it is never used.
 * @module
 */

import { type IpMatcher, parseIp, rangeMatcher } from "../../util/ip.js";
import { normalizeAddress } from "./addresses.js";

/**
 * Which proxies to believe: how many sit in front of the server (a hop count), their
 * addresses and ranges (`"10.0.0.0/8"`, `"loopback"`, `"linklocal"`, `"uniquelocal"`, as
 * a list or comma-separated), or a function of an address and its hop (0 is the socket's).
 */
export type TrustProxy =
  | number
  | string
  | readonly string[]
  | ((address: string, hop: number) => boolean);

/** The header a proxy writes the client's address into. */
export type ProxyHeader = "x-forwarded-for" | "forwarded";

/** Request headers, lower-cased names (Node's `IncomingMessage.headers` fits). */
export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** Resolves a connection's client address from its socket's address and its headers. */
export type ClientAddressFn = (
  peer: string | undefined,
  headers: RequestHeaders,
) => string | undefined;

/** The named ranges `proxy-addr` knows, with the same meaning. */
const PRESETS: Readonly<Record<string, readonly string[]>> = {
  loopback: ["127.0.0.0/8", "::1/128"],
  linklocal: ["169.254.0.0/16", "fe80::/10"],
  uniquelocal: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
};

function compileTrust(trust: unknown, where: string): (address: string, hop: number) => boolean {
  if (trust === true) {
    throw new TypeError(
      `${where}: trustProxy: true would trust any client's X-Forwarded-For; give the number ` +
        "of proxies in front of the server or their addresses",
    );
  }
  if (typeof trust === "function") return trust as (address: string, hop: number) => boolean;
  if (typeof trust === "number") {
    if (!Number.isSafeInteger(trust) || trust < 0) {
      throw new RangeError(`${where}: trustProxy must be a hop count of 0 or more, got ${trust}`);
    }
    return (_address, hop) => hop < trust;
  }
  const list = typeof trust === "string" ? trust.split(",") : trust;
  if (!Array.isArray(list) || !list.every((entry) => typeof entry === "string")) {
    throw new TypeError(
      `${where}: trustProxy must be a hop count, a list of addresses or ranges, or a function`,
    );
  }
  const matchers: IpMatcher[] = [];
  for (const entry of list.map((e: string) => e.trim())) {
    for (const spec of PRESETS[entry] ?? [entry]) {
      const matcher = rangeMatcher(spec);
      if (matcher === undefined) {
        throw new TypeError(
          `${where}: trustProxy: "${entry}" is not an IP address, a CIDR range or one of ` +
            "loopback, linklocal, uniquelocal",
        );
      }
      matchers.push(matcher);
    }
  }
  return (address) => {
    const bytes = parseIp(address);
    return bytes !== undefined && matchers.some((matches) => matches(bytes));
  };
}

/** Splits on `separator` outside double quotes. */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') quoted = !quoted;
    else if (char === separator && !quoted) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** One hop as a bare address: quotes, `[…]` around IPv6 and a port taken off. */
function bareAddress(entry: string): string {
  let text = entry.trim();
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1);
  if (text.startsWith("[")) {
    const end = text.indexOf("]");
    return end === -1 ? text : text.slice(1, end);
  }
  const colon = text.indexOf(":");
  return colon !== -1 && colon === text.lastIndexOf(":") && text.includes(".")
    ? text.slice(0, colon)
    : text;
}

function joined(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(",") : value;
}

/** The addresses of an `X-Forwarded-For` header, client first. */
function xForwardedFor(headers: RequestHeaders): string[] {
  const value = joined(headers["x-forwarded-for"]);
  return value === undefined || value.trim() === "" ? [] : value.split(",").map(bareAddress);
}

/** The `for=` addresses of a `Forwarded` header (RFC 7239), client first; "" when absent. */
function forwardedFor(headers: RequestHeaders): string[] {
  const value = joined(headers.forwarded);
  if (value === undefined || value.trim() === "") return [];
  return splitOutsideQuotes(value, ",").map((element) => {
    for (const pair of splitOutsideQuotes(element, ";")) {
      const eq = pair.indexOf("=");
      if (eq !== -1 && pair.slice(0, eq).trim().toLowerCase() === "for") {
        return bareAddress(pair.slice(eq + 1));
      }
    }
    return "";
  });
}

/**
 * Builds the client-address function for `trustProxy`; throws a `TypeError`/`RangeError`
 * naming the option when it is malformed.
 * @param trust - see {@link TrustProxy}; `undefined` or `false`: the socket's address, always
 * @param header - which header the proxies write
 * @param where - the call that received the options, for error messages
 * @returns `(peer, headers) => address`, normalised (see `normalizeAddress`). An entry a
 *   trusted proxy wrote that is no IP address (`unknown`, `_hidden`) gives that proxy's address.
 */
export function proxyPolicy(
  trust: TrustProxy | false | undefined,
  header: ProxyHeader | undefined,
  where: string,
): ClientAddressFn {
  if (header !== undefined && header !== "x-forwarded-for" && header !== "forwarded") {
    throw new TypeError(`${where}: proxyHeader must be "x-forwarded-for" or "forwarded"`);
  }
  if (trust === undefined || trust === false) return (peer) => normalizeAddress(peer);
  const trusted = compileTrust(trust, where);
  const read = header === "forwarded" ? forwardedFor : xForwardedFor;
  return (peer, headers) => {
    const hops = [peer ?? "", ...read(headers).reverse()];
    let i = 0;
    while (i < hops.length - 1 && trusted(hops[i] ?? "", i)) i++;
    const address = i > 0 && parseIp(hops[i] ?? "") === undefined ? hops[i - 1] : hops[i];
    return address === "" ? undefined : normalizeAddress(address);
  };
}
