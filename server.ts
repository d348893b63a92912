// The one kubelab process: Next's request handler, the terminal WebSocket (/terminal) and
// the lab runtime's background jobs (warm pool, culler), because Next route handlers
// cannot upgrade a socket.
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import path from "node:path";
import next from "next";
import { env } from "./app/_lib/config/env";
import { prisma } from "./app/_lib/db/create";
import { logger } from "./app/_lib/log";
import { createRuntime, localProviderRefusal } from "./app/_lib/lab/create-runtime";
import { migrateDatabase, sqlitePath } from "./prisma/migrate";
import { ClassScheduler } from "./app/_lib/classes/class-scheduler";
import { ensureFirstAdmin, leftoverPasswordFile } from "./app/_lib/auth/first-admin";
import { startPurgeJob } from "./app/_lib/db/purge";
import { metricsOpenTo, stampPeer, trustedProxies } from "./app/_lib/auth/peer-address";
import { isSameOrigin } from "./app/_lib/auth/same-origin";
import { applyCpuPriority } from "./app/_lib/config/cpu-priority";

const config = env();
const root = path.dirname(new URL(import.meta.url).pathname);
const dev = config.NODE_ENV !== "production";

// The local provider's shells are the server's own user: never on an address others can reach.
const refusal = localProviderRefusal(config);
if (refusal) {
  logger.fatal(refusal);
  process.stderr.write(`kubelab: refusing to start: ${refusal}\n`);
  process.exit(2);
}

// A class's labs keep the cores busy; the operator may put this process ahead of them.
if (config.KUBELAB_SERVER_NICE !== undefined) {
  try {
    logger.info({ ...applyCpuPriority(config.KUBELAB_SERVER_NICE), pid: process.pid }, "CPU priority set");
  } catch (error) {
    logger.fatal({ err: error }, "cannot set the CPU priority");
    process.stderr.write(`kubelab: refusing to start: ${(error as Error).message}\n`);
    process.exit(2);
  }
}

// Migrations run before the first request, so a fresh host and an upgraded one both start
// on the schema this code expects. SQLite and PostgreSQL each have their migrations
// (prisma/migrations, prisma/postgresql/migrations); the URL picks them.
try {
  const report = await migrateDatabase(config.DATABASE_URL, root);
  if (report.applied.length) logger.info({ applied: report.applied }, "database migrated");
} catch (error) {
  const why = error instanceof Error ? error.message : String(error);
  logger.fatal({ err: error }, "cannot migrate the database");
  process.stderr.write(`kubelab: refusing to start: ${why}\n`);
  process.exit(2);
}

// Someone must be able to sign in and make instructors: the first admin, once. A generated
// password goes to a 0600 file beside the database, never to the log.
const dataDir = config.DATABASE_URL.startsWith("file:") ? path.dirname(sqlitePath(config.DATABASE_URL, root)) : path.join(root, "data");
const firstAdmin = await ensureFirstAdmin(prisma(), { email: config.KUBELAB_ADMIN_EMAIL, password: config.KUBELAB_ADMIN_PASSWORD }, { dataDir });
const leftover = firstAdmin.created ? undefined : leftoverPasswordFile(dataDir);
if (leftover) logger.warn({ file: leftover }, "the first administrator's password file is still there: sign in, then delete it");

// Expired sessions, long-ended labs and abandoned anonymous learners, now and then.
const stopPurge = startPurgeJob(prisma(), config.KUBELAB_PURGE_AFTER_DAYS, logger);

const runtime = await createRuntime(config, prisma(), logger);
const engine = runtime.manager.engine.state;
const labsLine = { provider: runtime.provider.kind, chosen: runtime.reason, capacity: runtime.manager.config.capacity, pool: runtime.manager.config.poolSize };
if (engine.up) logger.info({ ...labsLine, why: engine.reason }, "labs are available");
else logger.error({ ...labsLine, why: engine.reason }, "labs are UNAVAILABLE until the lab engine answers (no other shell is offered)");

// Labs for cohorts' scheduled classes are warmed ahead, by a job of its own that reads the
// schedule from the database each time (so a restart loses nothing and warms nothing twice).
const classes = new ClassScheduler({
  db: prisma(),
  manager: runtime.manager,
  log: logger.child({ component: "classes" }),
  leadMs: config.KUBELAB_CLASS_WARM_LEAD_MIN * 60_000,
  holdMs: config.KUBELAB_CLASS_HOLD_MIN * 60_000,
  intervalMs: config.KUBELAB_CLASS_SCHEDULER_INTERVAL_SEC * 1000,
  leads: () => runtime.leadership.leads(),
});
classes.start();

const app = next({ dev, dir: root, hostname: config.HOST, port: config.PORT });
await app.prepare();
const handle = app.getRequestHandler();
const nextUpgrade = app.getUpgradeHandler();

const proxies = trustedProxies(config.KUBELAB_TRUSTED_PROXIES);

/** Compared by digest, so the time taken says nothing about how much of the token was right. */
function sameSecret(given: string | undefined, expected: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return given !== undefined && timingSafeEqual(digest(given), digest(expected));
}

/** Prometheus metrics: the bearer token KUBELAB_METRICS_TOKEN, or loopback when the operator opted in (KUBELAB_METRICS_LOOPBACK=1). */
async function serveMetrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const token = config.KUBELAB_METRICS_TOKEN;
  const authorized = metricsOpenTo(req.socket.remoteAddress, proxies, config.KUBELAB_METRICS_LOOPBACK === "1") || (token !== undefined && sameSecret(req.headers.authorization, `Bearer ${token}`));
  if (!authorized) {
    res.writeHead(403, { "content-type": "text/plain" }).end("metrics need KUBELAB_METRICS_TOKEN as a bearer token (or KUBELAB_METRICS_LOOPBACK=1 for loopback scrapers)\n");
    return;
  }
  res.writeHead(200, { "content-type": runtime.metrics.registry.contentType });
  res.end(await runtime.metrics.registry.metrics());
}

const server = createServer((req, res) => {
  // Rate limits and cookies need the caller's address and scheme, which Next cannot see (X-Forwarded-* only from a trusted proxy).
  stampPeer(req.headers, req.socket.remoteAddress, proxies, config.KUBELAB_SECURE_COOKIES);
  const work = req.url === "/metrics" ? serveMetrics(req, res) : handle(req, res);
  work.catch((error: unknown) => {
    logger.error({ err: error, url: req.url }, "request failed");
    if (!res.headersSent) res.writeHead(500).end();
  });
});

server.on("upgrade", (req, socket, head) => {
  stampPeer(req.headers, req.socket.remoteAddress, proxies, config.KUBELAB_SECURE_COOKIES);
  const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
  if (pathname === "/terminal") {
    // Browsers send Origin on every WebSocket; a page of another site must not open a learner's
    // terminal with their cookie (the signed ticket already stops it; this refuses it earlier).
    if (req.headers.origin && !isSameOrigin(new Headers({ origin: req.headers.origin, host: req.headers.host ?? "" }), "POST")) {
      socket.destroy();
      return;
    }
    runtime.bridge.handleUpgrade(req, socket, head);
  } else if (dev) {
    // Next's dev server uses a socket of its own for hot reload.
    void nextUpgrade(req, socket, head);
  } else {
    socket.destroy();
  }
});

server.listen(config.PORT, config.HOST, () => {
  logger.info({ url: `http://localhost:${config.PORT}`, dev }, "kubelab is listening");
});

async function shutdown(signal: string) {
  logger.info({ signal }, "shutting down; labs keep running and are re-adopted at the next start");
  // Whatever below hangs (a lab mid-boot, a slow engine), the process ends within 5 s.
  setTimeout(() => process.exit(0), 5000).unref();
  stopPurge();
  classes.stop();
  runtime.bridge.close();
  // Event streams (lab views, live checks, dashboards) never end by themselves; browsers
  // reconnect to the next server.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  // Last activity times are flushed, so the idle culler of the next server judges fairly.
  await runtime.manager.close();
  // The leader lock goes with its session: another server takes over the pool and culler at its next try.
  await runtime.leadership.close();
  await closed;
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
