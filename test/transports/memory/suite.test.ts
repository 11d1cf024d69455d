import { describe, it } from "vitest";
import {
  MemoryTransport,
  runTransportSuite,
  type SuiteSocket,
} from "../../../src/testing/index.js";

runTransportSuite({
  name: "transport conformance: MemoryTransport",
  describe,
  it,
  skip: it.skip,
  fixture: {
    notApplicable: {
      "contains a connection that breaks: the others go on":
        "in-memory connections have no protocol below them to break",
    },
    async start(bot, { helloTimeoutMs }) {
      const transport = new MemoryTransport({ helloTimeoutMs });
      await bot.start(transport);
      return {
        async connect(): Promise<SuiteSocket> {
          const received: string[] = [];
          let closed!: (code: number) => void;
          const done = new Promise<number>((resolve) => {
            closed = resolve;
          });
          const connection = transport.connect({
            receive: (frame) => received.push(frame),
            closed: (code) => closed(code),
          });
          return {
            send: (frame) => connection.send(frame),
            sendBinary: () => connection.sendBinary(),
            pause: () => connection.pause(),
            received,
            closed: done,
            close: () => connection.close(),
          };
        },
        close: () => bot.stop(transport),
      };
    },
  },
});
