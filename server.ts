// The one kubelab process: Next's request handler today; the terminal WebSocket and the
// background jobs (warm pool, culler) attach here because Next route handlers cannot
// upgrade a socket.
import { createServer } from "node:http";
import path from "node:path";
import next from "next";
import { env } from "./app/_lib/config/env";
import { logger } from "./app/_lib/log";
import { migrate, sqlitePath } from "./prisma/migrate";

const config = env();
const root = path.dirname(new URL(import.meta.url).pathname);
const dev = config.NODE_ENV !== "production";

// Migrations run before the first request, so a fresh host and an upgraded one both start
// on the schema this code expects.
if (config.DATABASE_URL.startsWith("file:")) {
  const report = migrate(sqlitePath(config.DATABASE_URL, root), path.join(root, "prisma/migrations"));
  if (report.applied.length) logger.info({ applied: report.applied }, "database migrated");
}

const app = next({ dev, dir: root, hostname: config.HOST, port: config.PORT });
await app.prepare();
const handle = app.getRequestHandler();

const server = createServer((req, res) => {
  handle(req, res).catch((error: unknown) => {
    logger.error({ err: error, url: req.url }, "request failed");
    if (!res.headersSent) res.writeHead(500).end();
  });
});

server.listen(config.PORT, config.HOST, () => {
  logger.info({ url: `http://localhost:${config.PORT}`, dev }, "kubelab is listening");
});

function shutdown(signal: string) {
  logger.info({ signal }, "shutting down");
  server.close(() => process.exit(0));
  // Open keep-alive connections must not hold the process forever.
  setTimeout(() => process.exit(0), 5000).unref();
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
