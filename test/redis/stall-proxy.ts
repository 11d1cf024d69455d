import { createConnection, createServer, type Socket } from "node:net";

/**
 * A TCP proxy on 127.0.0.1 (a free port) in front of a Redis server, that can freeze: it then
 * stops moving bytes both ways while every connection stays open, as when Redis is stopped
 * with SIGSTOP or the network black-holes its packets. Nothing is dropped: `thaw()` delivers
 * what waited, in order, so the Redis server behind it (the shared one) sees a slow client,
 * never a corrupt stream, and no command is run on it while frozen.
 */
export async function stallProxy(target = { host: "127.0.0.1", port: 6379 }) {
  const pairs = new Set<[Socket, Socket]>();
  let frozen = false;
  const server = createServer((client) => {
    const upstream = createConnection(target);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of pair) {
      socket.on("error", end);
      socket.on("close", end);
      if (frozen) socket.pause();
    }
    client.on("data", (chunk) => upstream.write(chunk));
    upstream.on("data", (chunk) => client.write(chunk));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    host: "127.0.0.1",
    port,
    /** Stops moving bytes (connections stay open; new ones are accepted and frozen too). */
    freeze() {
      frozen = true;
      for (const pair of pairs) for (const socket of pair) socket.pause();
    },
    /** Moves the bytes that waited, and everything after. */
    thaw() {
      frozen = false;
      for (const pair of pairs) for (const socket of pair) socket.resume();
    },
    async close() {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
