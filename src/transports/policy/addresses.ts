/**
 * Connections per remote address, behind `maxConnectionsPerIp`.
 * @module
 */

/** The prefix of an IPv4-mapped IPv6 address, as Node.js spells it. */
const MAPPED_IPV4 = "::ffff:";

/**
 * The address a connection counts against: an IPv4-mapped IPv6 address (`::ffff:127.0.0.1`,
 * what a dual-stack server sees) as plain IPv4, so one client is one key whichever way it
 * came in. `undefined` stays `undefined` (no address: a Unix socket, an in-memory peer).
 */
export function normalizeAddress(address: string | undefined): string | undefined {
  if (address === undefined) return undefined;
  return address.startsWith(MAPPED_IPV4) && address.includes(".", MAPPED_IPV4.length)
    ? address.slice(MAPPED_IPV4.length)
    : address;
}

/**
 * How many connections (open or upgrading) each address has. An address whose count drops to
 * zero is forgotten, so the map never holds more entries than there are connections.
 * `undefined` (no address) is not counted.
 */
export class AddressCounts {
  private readonly counts = new Map<string, number>();

  /** Counts one more connection from `address`; returns how many it had before. */
  add(address: string | undefined): number {
    if (address === undefined) return 0;
    const before = this.counts.get(address) ?? 0;
    this.counts.set(address, before + 1);
    return before;
  }

  /** Counts one connection from `address` less (each `add` is matched by one `remove`). */
  remove(address: string | undefined): void {
    if (address === undefined) return;
    const count = this.counts.get(address) ?? 0;
    if (count > 1) this.counts.set(address, count - 1);
    else this.counts.delete(address);
  }

  /** Connections counted for `address`. */
  get(address: string): number {
    return this.counts.get(address) ?? 0;
  }

  /** Addresses with at least one connection. */
  get size(): number {
    return this.counts.size;
  }
}
