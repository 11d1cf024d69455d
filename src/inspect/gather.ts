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
        : Promise.resolve(broker.subscribe(REQUESTS, this.onRequest));
  }

  private async answer(payload: string): Promise<void> {
    const id = requestId(payload);
    const { broker } = this.config;
    if (id === undefined || broker === undefined) return;
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
    await broker.subscribe(answers(id), listener);
    try {
      await broker.publish(REQUESTS, JSON.stringify({ id }));
      await new Promise((resolve) => setTimeout(resolve, collectMs));
    } finally {
      await broker.unsubscribe(answers(id), listener);
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

function parseReport(payload: string): NodeReport | undefined {
  try {
    const parsed = JSON.parse(payload) as Partial<NodeReport> | null;
    const ok =
      typeof parsed?.node === "string" && Array.isArray(parsed.top) && Array.isArray(parsed.errors);
    return ok ? (parsed as NodeReport) : undefined;
  } catch {
    return undefined;
  }
}
