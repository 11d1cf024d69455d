import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Starts an http server on 127.0.0.1, port 0, and returns it with its base URLs. */
export async function listen(server: Server = createServer()): Promise<{
  server: Server;
  http: string;
  ws: string;
  close: () => Promise<void>;
}> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    http: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
