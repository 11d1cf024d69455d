/**
 * IP addresses as bytes: parsing (IPv4, IPv6 with `::`, zones and embedded IPv4), ranges
 * (CIDR) and the key an address is budgeted under. Written out rather than taken from
 * `node:net` so that every runtime's transport applies the same rules.
 * @module
 */

/** A parsed address: 4 bytes (IPv4) or 16 (IPv6). IPv4-mapped IPv6 is returned as IPv4. */
export type IpBytes = readonly number[];

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP = /^[0-9a-f]{1,4}$/i;

/** The 4 bytes of a dotted-quad IPv4 address, or `undefined`. */
export function parseIPv4(text: string): IpBytes | undefined {
  const match = IPV4.exec(text);
  if (match === null) return undefined;
  const bytes = match.slice(1).map(Number);
  return bytes.every((b) => b <= 255) ? bytes : undefined;
}

/** The 16 bytes of an IPv6 address (a `%zone` suffix is ignored), or `undefined`. */
export function parseIPv6(text: string): IpBytes | undefined {
  const zone = text.indexOf("%");
  const address = zone === -1 ? text : text.slice(0, zone);
  const halves = address.split("::");
  // A dotted quad may only end the address.
  if (halves.length > 2 || (halves.length === 2 && (halves[0] ?? "").includes("."))) {
    return undefined;
  }
  const head = groupsOf(halves[0] ?? "");
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? "") : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [
    ...head,
    ...new Array<number>(halves.length === 2 ? missing : 0).fill(0),
    ...tail,
  ];
  return groups.flatMap((g) => [g >> 8, g & 0xff]);
}

/** 16-bit groups of one side of `::`; a trailing dotted quad counts as two groups. */
function groupsOf(side: string): number[] | undefined {
  if (side === "") return [];
  const parts = side.split(":");
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? "";
    if (i === parts.length - 1 && part.includes(".")) {
      const v4 = parseIPv4(part);
      if (v4 === undefined) return undefined;
      groups.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
    } else if (HEX_GROUP.test(part)) {
      groups.push(Number.parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

/** Whether 16 bytes are an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`). */
function isMapped(bytes: IpBytes): boolean {
  return (
    bytes.length === 16 &&
    bytes.slice(0, 10).every((b) => b === 0) &&
    bytes[10] === 255 &&
    bytes[11] === 255
  );
}

/** Parses either family; IPv4-mapped IPv6 comes back as the IPv4 address it carries. */
export function parseIp(text: string): IpBytes | undefined {
  const v4 = parseIPv4(text);
  if (v4 !== undefined) return v4;
  const v6 = text.includes(":") ? parseIPv6(text) : undefined;
  return v6 !== undefined && isMapped(v6) ? v6.slice(12) : v6;
}

/**
 * The key an address is budgeted under (connections, connection rate, failed logins): an
 * IPv4 address as is, an IPv6 address by its /64 (`2001:db8:1:2::/64`) — one subscriber
 * usually holds a whole /64, so counting single IPv6 addresses would let one client take
 * 2^64 slots. An address that does not parse (a Unix socket, a test double) is its own key.
 */
export function addressKey(address: string | undefined): string | undefined {
  if (address === undefined) return undefined;
  const bytes = parseIp(address);
  if (bytes === undefined) return address;
  if (bytes.length === 4) return bytes.join(".");
  const groups: string[] = [];
  for (let i = 0; i < 8; i += 2)
    groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return `${groups.join(":")}::/64`;
}

/** Tests whether an address lies in a range. */
export type IpMatcher = (bytes: IpBytes) => boolean;

/**
 * A matcher for `10.0.0.0/8`, `fd00::/8` or a single address; `undefined` when `spec` is
 * neither. An IPv4 range also matches IPv4-mapped IPv6 addresses (they parse as IPv4).
 */
export function rangeMatcher(spec: string): IpMatcher | undefined {
  const slash = spec.indexOf("/");
  const base = parseIp(slash === -1 ? spec : spec.slice(0, slash));
  if (base === undefined) return undefined;
  const bits = slash === -1 ? base.length * 8 : Number(spec.slice(slash + 1));
  if (!/^\d+$/.test(slash === -1 ? "0" : spec.slice(slash + 1)) || bits > base.length * 8) {
    return undefined;
  }
  return (bytes) => {
    if (bytes.length !== base.length) return false;
    for (let bit = 0; bit < bits; bit += 8) {
      const left = Math.min(8, bits - bit);
      const mask = (0xff << (8 - left)) & 0xff;
      if (((bytes[bit / 8] ?? 0) & mask) !== ((base[bit / 8] ?? 0) & mask)) return false;
    }
    return true;
  };
}
