// A fresh, migrated database per call: the real schema, nothing shared. SQLite by default;
// PostgreSQL when the test project says so (KUBELAB_TEST_DATABASE=postgresql, the
// "unit-postgresql" project in vitest.config.ts), on the loopback test server that
// sandbox/host/postgres-test.sh starts. Each call gets a database of its own, made and
// migrated before the client's first query and dropped when the test file ends
// (test/support/postgres-setup.ts).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import type { PrismaClient } from "@/prisma/generated/client";
import { postgresAdapter, postgresClient, sqliteClient } from "@/app/_lib/db/create";
import { migrate, migratePostgres } from "@/prisma/migrate";
import { providerFiles, type Provider } from "@/prisma/providers";
import { testPostgresUrl } from "@/prisma/schema-engine";

/** The database this test run uses. */
export function testProvider(): Provider {
  return process.env.KUBELAB_TEST_DATABASE === "postgresql" ? "postgresql" : "sqlite";
}

export interface FreshDatabase {
  db: PrismaClient;
  /** The SQLite file; a test that needs it is SQLite-only, and asking for it on PostgreSQL fails. */
  file: string;
}

export function freshDatabase(): FreshDatabase {
  return testProvider() === "postgresql" ? freshPostgres() : freshSqlite();
}

function freshSqlite(): FreshDatabase {
  const dir = mkdtempSync(path.join(tmpdir(), "kubelab-it-"));
  // The folder goes when the test process ends; nothing a test wrote outlives the run.
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, "test.db");
  migrate(file, providerFiles("sqlite").migrations);
  // The server's own client settings (busy timeout, serialized statements), not a bare client.
  return { db: sqliteClient(file), file };
}

const made: { name: string; db: PrismaClient | undefined }[] = [];

/** A URL on the test server with another database name. */
function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: testPostgresUrl() });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/**
 * An empty PostgreSQL database on the test server (no migrations), dropped with the others
 * when the test file ends: for tests of the migration runner itself.
 */
export async function emptyPostgresDatabase(): Promise<string> {
  const name = `kubelab_test_${process.pid}_${made.length}_${randomBytes(4).toString("hex")}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  made.push({ name, db: undefined });
  return withDatabase(testPostgresUrl(), name);
}

function freshPostgres(): FreshDatabase {
  const name = `kubelab_test_${process.pid}_${made.length}_${randomBytes(4).toString("hex")}`;
  const url = withDatabase(testPostgresUrl(), name);
  const adapter = postgresAdapter(url);
  // The client connects on its first query: the database is made and migrated just before.
  let ready: Promise<void> | undefined;
  const connect = adapter.connect.bind(adapter);
  adapter.connect = async () => {
    await (ready ??= adminQuery(`CREATE DATABASE "${name}"`).then(async () => {
      await migratePostgres(url, providerFiles("postgresql").migrations);
    }));
    return connect();
  };
  const db = postgresClient(adapter);
  made.push({ name, db });
  return {
    db,
    get file(): string {
      throw new Error("This test reads the SQLite file, so it is SQLite-only: leave it out of the PostgreSQL project.");
    },
  };
}

/** Drops every database this test file made (its clients disconnect first). */
export async function dropTestDatabases(): Promise<void> {
  for (const { name, db } of made.splice(0)) {
    await db?.$disconnect().catch(() => {});
    await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

/** One query on its own connection to `url`, as an operator would run it with psql. */
export async function queryPostgres<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}
