import type {
  ConnectionTelemetry,
  MessageTelemetry,
  Telemetry,
  TelemetrySpan,
  TelemetryStep,
} from "../../src/core/telemetry.js";

/** A `Telemetry` that records what the connection driver tells it, in order. */
export class TelemetryRecorder implements Telemetry {
  /** Everything reported, as short strings ("answered r e", "end", "step ledger.claim", …). */
  readonly log: string[] = [];
  /** Steps that ended, with whether they failed. */
  readonly spans: Array<{ step: TelemetryStep; failed: boolean }> = [];
  /** Messages begun (one `message()` each) and ended (`end()`). */
  begun = 0;
  ended = 0;
  /** Makes `run()` throw, to see how the driver copes. */
  throwInRun: Error | undefined;

  attach(..._args: unknown[]): void {}

  connection(id: string): ConnectionTelemetry {
    const log = this.log;
    return {
      hello: (traceparent) => log.push(`hello ${id} ${traceparent ?? "-"}`),
      welcomed: (resumed, gap) => log.push(`welcomed ${resumed} ${gap}`),
      closed: (code) => log.push(`closed ${code}`),
    };
  }

  message(): MessageTelemetry {
    this.begun++;
    const recorder = this;
    return {
      step(step): TelemetrySpan {
        recorder.log.push(`step ${step}`);
        return { end: (failed = false) => void recorder.spans.push({ step, failed }) };
      },
      run<T>(chain: () => T): T {
        if (recorder.throwInRun !== undefined) throw recorder.throwInRun;
        return chain();
      },
      answered(route, error) {
        recorder.log.push(`answered ${route ?? "-"} ${error ?? "-"}`);
      },
      end() {
        recorder.ended++;
        recorder.log.push("end");
      },
      middleware: () => () => undefined,
      traceparent: () => undefined,
      stream: () => ({ delta() {}, end() {} }),
    };
  }

  sent(): void {}

  refused(code: string, scope: "connection" | "bot"): void {
    this.log.push(`refused ${code} ${scope}`);
  }

  remote(): void {}

  /** The `answered …` lines. */
  get answers(): string[] {
    return this.log.filter((l) => l.startsWith("answered"));
  }
}
