// A TCP load balancer on loopback for benchmarks of several kubelab servers, standing in for
// the one an operator puts in front (HAProxy, nginx, a cloud balancer, a Kubernetes Service).
// Round robin per connection, no stickiness (any kubelab server serves any request, terminal
// and live streams included); a server that refuses the connection (killed, restarting) is
// skipped for that connection, as a balancer's connect retry with redispatch does. Written
// here because it is thirty lines and no package on this machine's registries is smaller.
import { createServer, type Server, type Socket, connect } from "node:net";

export interface Balancer {
  baseURL: string;
  /** Connections each backend port took, for the report. */
  readonly connections: Map<number, number>;
  close(): Promise<void>;
}

export async function startBalancer(backendPorts: number[]): Promise<Balancer> {
  if (backendPorts.length === 0) throw new Error("a balancer needs at least one backend");
  const connections = new Map(backendPorts.map((p) => [p, 0]));
  const open = new Set<Socket>();
  let next = 0;

  const relay = (client: Socket, tries: number) => {
    const port = backendPorts[next++ % backendPorts.length]!;
    const upstream = connect({ host: "127.0.0.1", port });
    let connected = false;
    open.add(upstream);
    upstream.once("connect", () => {
      connected = true;
      connections.set(port, (connections.get(port) ?? 0) + 1);
      client.pipe(upstream).pipe(client);
      client.resume();
    });
    upstream.once("error", (error: NodeJS.ErrnoException) => {
      // Refused before anything was relayed: try the next server. Later errors end both sides.
      if (!connected && error.code === "ECONNREFUSED" && tries > 1) relay(client, tries - 1);
      else client.destroy();
    });
    upstream.once("close", () => {
      open.delete(upstream);
      if (connected) client.destroy();
    });
    client.once("close", () => upstream.destroy());
  };

  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    open.add(client);
    client.once("close", () => open.delete(client));
    client.on("error", () => undefined);
    relay(client, backendPorts.length);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as { port: number };
  return {
    baseURL: `http://127.0.0.1:${port}`,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
