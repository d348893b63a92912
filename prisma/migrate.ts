// Applies prisma/migrations to the database at start-up, without Prisma's native schema
// engine (it cannot be downloaded on offline hosts). It keeps Prisma's own bookkeeping
// table, `_prisma_migrations`, with the same columns and checksums, so `prisma migrate
// deploy` and `prisma migrate status` keep working wherever the native engine exists.
// Hand-written because no maintained library applies Prisma-format migrations offline.
// SQLite (better-sqlite3) and PostgreSQL (pg) each have their own migrations folder, chosen
// by DATABASE_URL (prisma/providers.ts); migrateDatabase() picks the runner.
import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { providerFiles, providerOf } from "./providers";

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
        "PostgreSQL URLs go to migratePostgres (migrateDatabase picks the runner).",
    );
  }
  const file = url.slice("file:".length).split("?")[0]!;
  return path.isAbsolute(file) ? file : path.resolve(root, file);
}

function migrationNames(migrationsDir: string): string[] {
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(migrationsDir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort();
}

/** True when the migration is applied as it is now; throws when it was edited or half-applied. */
function alreadyDone(name: string, checksum: string, row: { checksum: string; finished_at: unknown } | undefined): boolean {
  if (row?.finished_at) {
    if (row.checksum !== checksum) {
      throw new Error(`Migration ${name} was changed after it was applied (checksum differs). Add a new migration instead.`);
    }
    return true;
  }
  if (row) {
    throw new Error(
      `Migration ${name} started earlier but did not finish. Inspect the database, then mark it rolled back ` +
        `(UPDATE "_prisma_migrations" SET rolled_back_at = CURRENT_TIMESTAMP WHERE migration_name = '${name}').`,
    );
  }
  return false;
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
    const names = migrationNames(migrationsDir);
    const report: MigrationReport = { applied: [], alreadyApplied: [] };
    for (const name of names) {
      const sql = readFileSync(path.join(migrationsDir, name, "migration.sql"), "utf8");
      const checksum = createHash("sha256").update(sql).digest("hex");
      const row = rows.get(name);
      if (alreadyDone(name, checksum, row)) {
        report.alreadyApplied.push(name);
        continue;
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

/** Prisma's own bookkeeping table as `prisma migrate` makes it on PostgreSQL. */
const PG_BOOKKEEPING = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;
/** The advisory lock `prisma migrate` takes: servers starting together, or Prisma's CLI, wait for each other. */
const PRISMA_MIGRATE_LOCK = 72707369;

/** Applies the PostgreSQL migrations; each one and its bookkeeping row commit together (PostgreSQL's DDL is transactional). */
export async function migratePostgres(url: string, migrationsDir: string): Promise<MigrationReport> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK]);
    await client.query(PG_BOOKKEEPING);
    const { rows } = await client.query<Row>(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`);
    const applied = new Map(rows.filter((r) => r.rolled_back_at === null).map((r) => [r.migration_name, r]));
    const report: MigrationReport = { applied: [], alreadyApplied: [] };
    for (const name of migrationNames(migrationsDir)) {
      const sql = readFileSync(path.join(migrationsDir, name, "migration.sql"), "utf8");
      const checksum = createHash("sha256").update(sql).digest("hex");
      if (alreadyDone(name, checksum, applied.get(name))) {
        report.alreadyApplied.push(name);
        continue;
      }
      const id = randomUUID();
      await client.query("BEGIN");
      try {
        await client.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())`, [id, checksum, name]);
        await client.query(sql);
        await client.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [id]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`Migration ${name} failed and was rolled back: ${(error as Error).message}`, { cause: error });
      }
      report.applied.push(name);
    }
    return report;
  } finally {
    await client.end();
  }
}

/** The URL as an operator may see it in a log: the password left out. */
export function redactedUrl(url: string): string {
  if (providerOf(url) === "sqlite") return url;
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}

/** Migrates the database DATABASE_URL names, with the migrations of its provider. */
export async function migrateDatabase(url: string, root: string): Promise<MigrationReport> {
  const provider = providerOf(url);
  const dir = providerFiles(provider, root).migrations;
  try {
    return provider === "sqlite" ? migrate(sqlitePath(url, root), dir) : await migratePostgres(url, dir);
  } catch (error) {
    // Says which database, so "connect ECONNREFUSED" or "password authentication failed" points somewhere.
    throw new Error(`Cannot migrate the ${provider} database ${redactedUrl(url)}: ${(error as Error).message}`, { cause: error });
  }
}

// CLI: `npm run db:migrate` (also run by the set-up and at server start).
if (import.meta.url === `file://${process.argv[1]}`) {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
  const url = process.env.DATABASE_URL ?? "file:./data/kubelab.db";
  const report = await migrateDatabase(url, root);
  console.log(
    report.applied.length
      ? `[db] applied ${report.applied.join(", ")}`
      : `[db] up to date (${report.alreadyApplied.length} migrations)`,
  );
}
