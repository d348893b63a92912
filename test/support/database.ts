// A fresh, migrated SQLite database per test file: the real schema, nothing shared.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { PrismaClient } from "@/prisma/generated/client";
import { sqliteClient } from "@/app/_lib/db/create";
import { migrate } from "@/prisma/migrate";

export function freshDatabase(): { db: PrismaClient; file: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "kubelab-it-"));
  // The folder goes when the test process ends; nothing a test wrote outlives the run.
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, "test.db");
  migrate(file, path.resolve("prisma/migrations"));
  // The server's own client settings (busy timeout, serialized statements), not a bare client.
  return { db: sqliteClient(file), file };
}
