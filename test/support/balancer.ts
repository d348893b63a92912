// A TCP load balancer on loopback for benchmarks of several kubelab servers, standing in for
// the one an operator puts in front (HAProxy, nginx, a cloud balancer, a Kubernetes Service).
// Round robin per connection, no stickiness (any kubelab server serves any request, terminal
// and live streams included), over the servers whose /api/health answered within 2 s at the
// last check (every second, as a balancer's health check does): a server that is starting
// accepts connections long before it answers them. A server that refuses the connection
// (killed) is skipped for that connection too, as a connect retry with redispatch does.
// Written here because it is fifty lines and no package on this machine's registries is smaller.
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
  const healthy = new Set(backendPorts);
  const checkHealth = async () => {
    await Promise.all(
      backendPorts.map(async (port) => {
        // 503 still answers: health says so when the lab engine is away, and the server serves.
        const ok = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(2000) })
          .then(async (r) => {
            await r.body?.cancel();
            return r.status === 200 || r.status === 503;
          })
          .catch(() => false);
        if (ok) healthy.add(port);
        else healthy.delete(port);
      }),
    );
  };
  let checking = false;
  const healthTimer = setInterval(() => {
    if (checking) return;
    checking = true;
    void checkHealth().finally(() => (checking = false));
  }, 1000);

  const relay = (client: Socket, tries: number) => {
    // None healthy (all restarting): try them all rather than refuse outright.
    const pool = healthy.size > 0 ? backendPorts.filter((p) => healthy.has(p)) : backendPorts;
    const port = pool[next++ % pool.length]!;
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
        clearInterval(healthTimer);
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
