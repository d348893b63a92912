// Applies prisma/migrations to the database at start-up, without Prisma's native schema
// engine (it cannot be downloaded on offline hosts). It keeps Prisma's own bookkeeping
// table, `_prisma_migrations`, with the same columns and checksums, so `prisma migrate
// deploy` and `prisma migrate status` keep working wherever the native engine exists.
// Hand-written because no maintained library applies Prisma-format migrations offline.
import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

export interface MigrationReport {
  applied: string[];
  alreadyApplied: string[];
}

const BOOKKEEPING = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "checksum" TEXT NOT NULL,
  "finished_at" DATETIME,
  "migration_name" TEXT NOT NULL,
  "logs" TEXT,
  "rolled_back_at" DATETIME,
  "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
  "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

interface Row {
  migration_name: string;
  checksum: string;
  finished_at: string | null;
  rolled_back_at: string | null;
}

/** Resolves a Prisma SQLite URL (`file:./x.db`, relative to the project root) to a path. */
export function sqlitePath(url: string, root: string): string {
  if (!url.startsWith("file:")) {
    throw new Error(
      `The built-in migration runner handles SQLite (file:) URLs only; got ${url.split(":")[0]}:. ` +
        "For PostgreSQL run `npx prisma migrate deploy` where Prisma's schema engine is installed.",
    );
  }
  const file = url.slice("file:".length).split("?")[0]!;
  return path.isAbsolute(file) ? file : path.resolve(root, file);
}

export function migrate(dbFile: string, migrationsDir: string): MigrationReport {
  mkdirSync(path.dirname(dbFile), { recursive: true });
  const db = new Database(dbFile);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("foreign_keys = ON");
    db.exec(BOOKKEEPING);
    const rows = new Map(
      (db.prepare(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`).all() as Row[])
        .filter((r) => r.rolled_back_at === null)
        .map((r) => [r.migration_name, r]),
    );
    const names = readdirSync(migrationsDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(path.join(migrationsDir, d.name, "migration.sql")))
      .map((d) => d.name)
      .sort();
    const report: MigrationReport = { applied: [], alreadyApplied: [] };
    for (const name of names) {
      const sql = readFileSync(path.join(migrationsDir, name, "migration.sql"), "utf8");
      const checksum = createHash("sha256").update(sql).digest("hex");
      const row = rows.get(name);
      if (row?.finished_at) {
        if (row.checksum !== checksum) {
          throw new Error(`Migration ${name} was changed after it was applied (checksum differs). Add a new migration instead.`);
        }
        report.alreadyApplied.push(name);
        continue;
      }
      if (row) {
        throw new Error(
          `Migration ${name} started earlier but did not finish. Inspect the database, then mark it rolled back ` +
            `(UPDATE "_prisma_migrations" SET rolled_back_at = CURRENT_TIMESTAMP WHERE migration_name = '${name}').`,
        );
      }
      const id = randomUUID();
      // One transaction for the migration and its bookkeeping row: a crash leaves neither.
      db.transaction(() => {
        db.prepare(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES (?, ?, ?, ?)`).run(
          id, checksum, name, new Date().toISOString(),
        );
        db.exec(sql);
        db.prepare(`UPDATE "_prisma_migrations" SET finished_at = ?, applied_steps_count = 1 WHERE id = ?`).run(
          new Date().toISOString(), id,
        );
      })();
      report.applied.push(name);
    }
    return report;
  } finally {
    db.close();
  }
}

// CLI: `npm run db:migrate` (also run by the set-up and at server start).
if (import.meta.url === `file://${process.argv[1]}`) {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
  const url = process.env.DATABASE_URL ?? "file:./data/kubelab.db";
  const report = migrate(sqlitePath(url, root), path.join(root, "prisma/migrations"));
  console.log(
    report.applied.length
      ? `[db] applied ${report.applied.join(", ")}`
      : `[db] up to date (${report.alreadyApplied.length} migrations)`,
  );
}
