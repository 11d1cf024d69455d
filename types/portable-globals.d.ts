/**
 * The web-platform globals the portable core may use, and nothing else. `tsconfig.portable.json`
 * compiles the portable folders with `lib: ["ES2022"]`, `types: []` and only this file, so a
 * use of `Buffer`, `process`, `node:*` or a DOM-only API there fails `npm test`. Every global
 * here exists in Node ≥ 20, browsers, Deno, Bun and workerd.
 */

/** An opaque timer handle (a number in browsers, an object in Node). */
interface PortableTimer {
  readonly __portableTimer?: never;
}

declare function setTimeout(callback: (...args: never[]) => void, ms?: number): PortableTimer;
declare function clearTimeout(timer: PortableTimer | undefined): void;
declare function setInterval(callback: (...args: never[]) => void, ms?: number): PortableTimer;
declare function clearInterval(timer: PortableTimer | undefined): void;
declare function queueMicrotask(callback: () => void): void;
declare function structuredClone<T>(value: T): T;
declare function atob(data: string): string;

declare class TextEncoder {
  encode(input?: string): Uint8Array;
}

declare class TextDecoder {
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}

declare var crypto: {
  getRandomValues<T extends Uint8Array | Uint32Array>(array: T): T;
};

declare class AbortSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
  throwIfAborted(): void;
}

declare class AbortController {
  readonly signal: AbortSignal;
  abort(reason?: unknown): void;
}

/** The parts of the Fetch API's `Request` portable code reads (`botwire/inspect`). */
declare class Request {
  readonly method: string;
  readonly url: string;
  readonly headers: { get(name: string): string | null };
}

/** The parts of the Fetch API's `Response` portable code uses (`botwire/inspect`). */
declare class Response {
  constructor(body?: string | null, init?: { status?: number; headers?: Record<string, string> });
  readonly status: number;
}

declare class URL {
  constructor(url: string, base?: string);
  readonly pathname: string;
}
