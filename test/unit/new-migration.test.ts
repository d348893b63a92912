// `npm run db:migration -- <name>` writes the next migration for SQLite and PostgreSQL under
// one name from a schema change, after which both sets reach the schema again; and it writes
// nothing when there is nothing to migrate; a migration written for one database only gets its
// counterpart on the other under the same name. It needs both databases, so it runs in the
// postgresql project only (vitest.config.ts), on a copy of prisma/.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { newMigration } from "@/prisma/new-migration";
import { PROVIDERS, providerFiles } from "@/prisma/providers";
import { pendingSql, testPostgresUrl } from "@/prisma/schema-engine";

const target = (provider: (typeof PROVIDERS)[number]) => ({ provider, postgresUrl: provider === "postgresql" ? testPostgresUrl() : undefined });

/** A copy of the project's prisma/ folder, to change without touching the real one. */
function scratchProject(): string {
  const root = mkdtempSync(path.join(tmpdir(), "kubelab-newmig-"));
  cpSync(path.resolve("prisma"), path.join(root, "prisma"), { recursive: true, filter: (src) => !src.includes(`${path.sep}generated`) });
  return root;
}

describe("writing a migration for both databases", { timeout: 120_000 }, () => {
  it("writes one folder name in both sets, and both then reach the changed schema", async () => {
    const root = scratchProject();
    expect(await newMigration("nothing_changed", root)).toBeNull();

    const schema = providerFiles("sqlite", root).schema;
    writeFileSync(schema, readFileSync(schema, "utf8").replace("model Progress {", "model Progress {\n  note String?"));
    const folder = await newMigration("progress_note", root);
    expect(folder).toMatch(/^\d{14}_progress_note$/);
    for (const provider of PROVIDERS) {
      const dir = providerFiles(provider, root).migrations;
      expect(readdirSync(dir)).toContain(folder);
      expect(readFileSync(path.join(dir, folder!, "migration.sql"), "utf8")).toMatch(/"note" TEXT/);
      expect(await pendingSql(target(provider), root)).toBe("");
    }
    // The PostgreSQL schema was rewritten from the source.
    expect(readFileSync(providerFiles("postgresql", root).schema, "utf8")).toMatch(/note\s+String\?/);
  });

  it("gives a migration written for SQLite only its PostgreSQL counterpart under the same name", async () => {
    const root = scratchProject();
    const schema = providerFiles("sqlite", root).schema;
    writeFileSync(schema, readFileSync(schema, "utf8").replace("model Progress {", "model Progress {\n  note String?"));
    // As a migration written by hand for SQLite alone.
    const folder = "20991231000000_progress_note";
    const sqliteDir = path.join(providerFiles("sqlite", root).migrations, folder);
    mkdirSync(sqliteDir);
    writeFileSync(path.join(sqliteDir, "migration.sql"), 'ALTER TABLE "Progress" ADD COLUMN "note" TEXT;\n');
    expect(await newMigration("", root)).toBe(folder);
    expect(readFileSync(path.join(providerFiles("postgresql", root).migrations, folder, "migration.sql"), "utf8")).toMatch(/"note" TEXT/);
    for (const provider of PROVIDERS) expect(await pendingSql(target(provider), root)).toBe("");
  });
});
