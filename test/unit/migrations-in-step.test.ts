// SQLite and PostgreSQL migrations stay in step with the one schema source
// (prisma/schema.prisma): the PostgreSQL schema is exactly what prisma/providers.ts writes
// from it, both folders hold the same migration names, and replaying this run's provider's
// migrations on a scratch database (Prisma's schema engine, Wasm build) reaches its schema
// with nothing left over. The unit project checks SQLite, the postgresql project PostgreSQL
// (vitest.config.ts). It fails when a schema change lacks its migration on either side:
// `npm run db:migration -- <name>` writes both, and `npm run db:migration` alone writes the
// missing side of a migration written for one database only.
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { postgresqlSchema, providerFiles } from "@/prisma/providers";
import { pendingSql, testPostgresUrl } from "@/prisma/schema-engine";
import { freshDatabase, testProvider } from "@/test/support/database";

const provider = testProvider();
const target = () => ({ provider, postgresUrl: provider === "postgresql" ? testPostgresUrl() : undefined });
const names = (dir: string) => readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "migration.sql"))).map((d) => d.name).sort();

/** A copy of the project's prisma/ folder, to change without touching the real one. */
function scratchProject(): string {
  const root = mkdtempSync(path.join(tmpdir(), "kubelab-schema-"));
  cpSync(path.resolve("prisma"), path.join(root, "prisma"), { recursive: true, filter: (src) => !src.includes(`${path.sep}generated`) });
  return root;
}

describe(`the ${provider} migrations`, { timeout: 60_000 }, () => {
  it("come from the one schema source (the PostgreSQL schema is written from it, unedited)", () => {
    const source = readFileSync(providerFiles("sqlite").schema, "utf8");
    expect(readFileSync(providerFiles("postgresql").schema, "utf8"), "run `npm run db:schemas`").toBe(postgresqlSchema(source));
  });

  it("have the same names for SQLite and PostgreSQL", () => {
    expect(names(providerFiles("postgresql").migrations), "a migration for one database only: `npm run db:migration` writes its counterpart").toEqual(
      names(providerFiles("sqlite").migrations),
    );
  });

  it("reach the schema exactly", async () => {
    expect(await pendingSql(target()), "the schema changed without a migration: run `npm run db:migration -- <name>`").toBe("");
  });

  it("are found lagging when the schema gains a field without a migration", async () => {
    const root = scratchProject();
    const schema = providerFiles("sqlite", root).schema;
    writeFileSync(schema, readFileSync(schema, "utf8").replace("model Progress {", "model Progress {\n  note String?"));
    writeFileSync(providerFiles("postgresql", root).schema, postgresqlSchema(readFileSync(schema, "utf8")));
    expect(await pendingSql(target(), root)).toMatch(/"note" TEXT/);
  });

  it("are found drifted when one migration set is edited by hand", async () => {
    const root = scratchProject();
    const dir = providerFiles(provider, root).migrations;
    const first = names(dir)[0]!;
    const file = path.join(dir, first, "migration.sql");
    writeFileSync(file, readFileSync(file, "utf8").replace('"displayName" TEXT,', ""));
    expect(await pendingSql(target(), root)).toMatch(/displayName/);
  });

  it("give a database the generated client can use for every model", async () => {
    const { db } = freshDatabase();
    try {
      const teacher = await db.user.create({ data: { email: `t-${provider}@example.test`, role: "instructor" } });
      const cohort = await db.cohort.create({ data: { name: "반", instructorId: teacher.id, inviteCode: `c-${provider}` } });
      await db.classSession.create({ data: { cohortId: cohort.id, startsAt: new Date("2026-12-07T09:00:00.123Z") } });
      const loaded = await db.cohort.findUniqueOrThrow({ where: { id: cohort.id }, include: { sessions: true } });
      // Milliseconds survive on both (PostgreSQL's TIMESTAMP(3), SQLite's integer time).
      expect(loaded.sessions[0]!.startsAt.toISOString()).toBe("2026-12-07T09:00:00.123Z");
      await expect(db.classSession.create({ data: { cohortId: cohort.id, startsAt: new Date("2026-12-07T09:00:00.123Z") } })).rejects.toThrow();
    } finally {
      await db.$disconnect();
    }
  });
});
