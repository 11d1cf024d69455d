/**
 * Asking every node for its report through the bot's broker. The node that serves the page
 * publishes a request on `inspect`; every node with an inspector answers on the request's
 * own channel; the asker keeps what arrives within `collectMs`.
 * @module
 */
import type { Broker, BrokerListener } from "../storage/broker.js";
import { randomId } from "../util/id.js";
import type { InspectorSnapshot, NodeReport } from "./types.js";

const REQUESTS = "inspect";
const answers = (id: string) => `inspect:${id}`;

/** What a gatherer needs from its node. */
export interface GatherConfig {
  broker: Broker | undefined;
  /** This node's report. */
  report: () => Promise<NodeReport>;
  /** How long to wait for other nodes. */
  collectMs: number;
  /** Where to log a failed answer. */
  warn: (message: string, meta: { error: unknown }) => void;
}

/** Answers other nodes' requests and asks them for theirs. */
export class Gatherer {
  /** Resolves once this node answers requests. */
  readonly ready: Promise<void>;
  private readonly onRequest: BrokerListener = (payload) => void this.answer(payload);

  constructor(private readonly config: GatherConfig) {
    const { broker } = config;
    this.ready =
      broker === undefined
        ? Promise.resolve()
        : Promise.resolve().then(() => broker.subscribe(REQUESTS, this.onRequest));
    // Handled here, so a broker that is down at start does not end the process; `ready`
    // still rejects for whoever awaits it.
    this.ready.catch((error: unknown) =>
      config.warn("inspector: cannot subscribe to other nodes' requests", { error }),
    );
  }

  /** Requests this node sent and is collecting answers for (it answers them itself). */
  private readonly asking = new Set<string>();

  private async answer(payload: string): Promise<void> {
    const id = requestId(payload);
    const { broker } = this.config;
    if (id === undefined || broker === undefined || this.asking.has(id)) return;
    try {
      await broker.publish(answers(id), JSON.stringify(await this.config.report()));
    } catch (error) {
      this.config.warn("inspector: answering a snapshot request failed", { error });
    }
  }

  /** Every node's report: this node's first, then the others' that arrived in time. */
  async gather(): Promise<InspectorSnapshot> {
    const at = Date.now();
    const { broker, collectMs } = this.config;
    const own = await this.config.report();
    if (broker === undefined) return { at, nodes: [own] };
    const id = randomId(12);
    const others = new Map<string, NodeReport>();
    const listener: BrokerListener = (payload) => {
      const report = parseReport(payload);
      if (report !== undefined && report.node !== own.node) others.set(report.node, report);
    };
    this.asking.add(id);
    try {
      await broker.subscribe(answers(id), listener);
      await broker.publish(REQUESTS, JSON.stringify({ id }));
      await new Promise((resolve) => setTimeout(resolve, collectMs));
    } catch (error) {
      // The broker is down: this node's report is still worth showing.
      this.config.warn("inspector: cannot ask the other nodes", { error });
    } finally {
      this.asking.delete(id);
      await Promise.resolve()
        .then(() => broker.unsubscribe(answers(id), listener))
        .catch(() => undefined);
    }
    const rest = [...others.values()].sort((a, b) => a.node.localeCompare(b.node));
    return { at, nodes: [own, ...rest] };
  }

  /** Stops answering. */
  async close(): Promise<void> {
    await this.ready.catch(() => undefined);
    await this.config.broker?.unsubscribe(REQUESTS, this.onRequest);
  }
}

function requestId(payload: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(payload);
    const id = (parsed as { id?: unknown } | null)?.id;
    return typeof id === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

const COUNTS = ["at", "connections", "sessions", "outbox", "bufferedBytes", "turns"] as const;

/** Another node's report, if it has the shape the page needs (another version may not). */
function parseReport(payload: string): NodeReport | undefined {
  try {
    const parsed = JSON.parse(payload) as Partial<NodeReport> | null;
    const ok =
      typeof parsed?.node === "string" &&
      Array.isArray(parsed.top) &&
      Array.isArray(parsed.errors) &&
      Array.isArray(parsed.rooms) &&
      COUNTS.every((name) => typeof parsed[name] === "number");
    return ok ? (parsed as NodeReport) : undefined;
  } catch {
    return undefined;
  }
}
