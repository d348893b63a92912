// A fresh, migrated SQLite database per test file: the real schema, nothing shared.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@/app/_lib/db/generated/client";
import { migrate } from "@/prisma/migrate";

export function freshDatabase(): { db: PrismaClient; file: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "kubelab-it-"));
  // The folder goes when the test process ends; nothing a test wrote outlives the run.
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, "test.db");
  migrate(file, path.resolve("prisma/migrations"));
  return { db: new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: file }) }), file };
}
