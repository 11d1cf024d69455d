/**
 * What `botwire/inspect` reports and how it is set up.
 * @module
 */
import type { NodeCensus } from "../connection/census.js";

/** Options of {@link inspector}. */
export interface InspectorOptions {
  /**
   * The secret an operator sends (`Authorization: Bearer <token>`) to read the data: at
   * least 16 characters, e.g. `crypto.randomUUID()` kept in your secrets. The page itself
   * holds no data and is served without it; it asks for the token.
   */
  token: string;
  /**
   * The path the handler is mounted at, removed from request paths before routing, e.g.
   * `"/inspect"` when your own server passes it every request under `/inspect`. Leave it
   * empty under a framework that strips the mount path (Express's `app.use("/inspect", …)`).
   * @default ""
   */
  basePath?: string;
  /**
   * How long a snapshot waits for the other nodes to answer through the broker, in ms.
   * @default 500
   */
  collectMs?: number;
  /**
   * How many sessions each node details (the busiest first).
   * @default 50
   */
  maxSessions?: number;
  /**
   * How many recent errors each node keeps.
   * @default 50
   */
  maxErrors?: number;
}

/** An error a node saw lately: a handler that threw, or a client that broke a rule. */
export interface RecentError {
  /** When, in milliseconds since the epoch. */
  at: number;
  /** `handler`: middleware threw (the client got `internal`); `violation`: a client broke a rule. */
  kind: "handler" | "violation";
  /** The thrown error's class name (`TypeError`, …), or the error code the client got. */
  code: string;
  /**
   * The error's message, cut to 200 characters. Client violations never quote what the
   * client sent; a handler's error is shown as thrown, so one that quotes the user's input
   * (`JSON.parse(ctx.text)` does) shows it.
   */
  message: string;
  /** What was answering (`command:start`, `intent:refund`, …), for handler errors. */
  route: string | undefined;
  /** The session, shortened as in the census, for handler errors. */
  session: string | undefined;
}

/** One node's part of a snapshot: its census and its recent errors. */
export interface NodeReport extends NodeCensus {
  /** Its recent errors, newest first. */
  errors: RecentError[];
}

/** Every node that answered, at one moment. */
export interface InspectorSnapshot {
  /** When the snapshot was asked for, in milliseconds since the epoch. */
  at: number;
  /** The nodes that answered within `collectMs`, this one first. */
  nodes: NodeReport[];
}

/** Node's `http.IncomingMessage` as the inspector reads it (Express and Connect pass one too). */
export interface NodeRequestLike {
  /** The HTTP method. */
  method?: string | undefined;
  /** The path and query, after any mount path a framework stripped. */
  url?: string | undefined;
  /** Express's whole path, mount path included (used to redirect `/inspect` to `/inspect/`). */
  originalUrl?: string | undefined;
  /** The request headers. */
  headers: Record<string, string | string[] | undefined>;
}

/** Node's `http.ServerResponse` as the inspector writes it. */
export interface NodeResponseLike {
  /** Sends the status and headers. */
  writeHead(status: number, headers: Record<string, string>): unknown;
  /** Sends the body and ends the response. */
  end(body?: string | Uint8Array): unknown;
}

/** A mounted inspector: see {@link inspector}. */
export interface Inspector {
  /** The handler for web-standard servers: Hono, Bun, Deno, Cloudflare Workers. */
  fetch(request: Request): Promise<Response>;
  /** The handler for Node's `http` server, Express, Connect and Fastify's raw mode. */
  node(request: NodeRequestLike, response: NodeResponseLike): void;
  /** Asks every node for its report (what the page shows). */
  snapshot(): Promise<InspectorSnapshot>;
  /** Resolves once this node answers other nodes' requests. */
  readonly ready: Promise<void>;
  /** Stops answering and recording errors. */
  close(): Promise<void>;
}
