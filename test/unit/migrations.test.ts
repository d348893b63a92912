// The migration runner applies the provider's migrations once, keeps Prisma's bookkeeping
// table, refuses edited migrations, and leaves a schema the generated client can use for
// every model. The unit project runs it on SQLite, the postgresql project on PostgreSQL.
import { cpSync, mkdtempSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { migrate, migrateDatabase, migratePostgres, sqlitePath, type MigrationReport } from "@/prisma/migrate";
import { providerFiles, providerOf } from "@/prisma/providers";
import { emptyPostgresDatabase, freshDatabase, testProvider } from "@/test/support/database";

const provider = testProvider();
const migrations = providerFiles(provider).migrations;

interface Bookkeeping {
  migration_name: string;
  finished_at: unknown;
  applied_steps_count: number;
}

/** An empty database of this run's provider, and how to migrate it and read its bookkeeping. */
async function emptyDatabase(): Promise<{ apply(dir: string): Promise<MigrationReport>; rows(): Promise<Bookkeeping[]> }> {
  if (provider === "sqlite") {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "kubelab-db-")), "test.db");
    return {
      apply: async (dir) => migrate(file, dir),
      rows: async () => new Database(file).prepare(`SELECT migration_name, finished_at, applied_steps_count FROM _prisma_migrations`).all() as Bookkeeping[],
    };
  }
  const url = await emptyPostgresDatabase();
  return {
    apply: (dir) => migratePostgres(url, dir),
    rows: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query<Bookkeeping>(`SELECT migration_name, finished_at, applied_steps_count FROM "_prisma_migrations"`)).rows;
      } finally {
        await client.end();
      }
    },
  };
}

describe(`database migrations (${provider})`, () => {
  it("apply once and are idempotent", async () => {
    const db = await emptyDatabase();
    const first = await db.apply(migrations);
    expect(first.applied.length).toBeGreaterThan(0);
    const second = await db.apply(migrations);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(first.applied);
    const rows = await db.rows();
    expect(rows).toHaveLength(first.applied.length);
    expect(rows[0]).toMatchObject({ applied_steps_count: 1 });
    expect(rows.every((r) => r.finished_at)).toBe(true);
  });

  it("apply each migration once when two servers start together", async () => {
    const db = await emptyDatabase();
    const [a, b] = await Promise.all([db.apply(migrations), db.apply(migrations)]);
    // One applied everything, the other waited for it (PostgreSQL: Prisma's advisory lock) and found it done.
    expect([a.applied.length, b.applied.length].sort()).toEqual([0, a.applied.length + b.applied.length]);
    expect(await db.rows()).toHaveLength(a.applied.length + b.applied.length);
  });

  it("refuse a migration that was edited after it was applied", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "kubelab-mig-"));
    cpSync(migrations, dir, { recursive: true });
    const db = await emptyDatabase();
    const [name] = (await db.apply(dir)).applied;
    appendFileSync(path.join(dir, name!, "migration.sql"), "\n-- edited\n");
    await expect(db.apply(dir)).rejects.toThrow(/changed after it was applied/);
  });

  it("resolve relative SQLite URLs against the project root, and tell the providers apart by URL alone", () => {
    expect(sqlitePath("file:./data/x.db", "/srv/kubelab")).toBe("/srv/kubelab/data/x.db");
    expect(() => sqlitePath("postgresql://x", "/")).toThrow(/migratePostgres/);
    expect(providerOf("file:./data/kubelab.db")).toBe("sqlite");
    expect(providerOf("postgresql://kubelab@db.example:5432/kubelab")).toBe("postgresql");
    expect(providerOf("postgres://kubelab@db.example/kubelab")).toBe("postgresql");
    expect(() => providerOf("mysql://x")).toThrow(/file: \(SQLite\) or postgresql:\/\/ \(PostgreSQL\)/);
  });

  it("name the database, never its password, when it cannot be reached", async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const error = (await migrateDatabase("postgresql://kubelab:s3cret-pass@127.0.0.1:1/kubelab", process.cwd()).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/Cannot migrate the postgresql database postgresql:\/\/kubelab:\*\*\*@127\.0\.0\.1:1\/kubelab: .*ECONNREFUSED/);
    expect(error.message).not.toContain("s3cret-pass");
  });

  it("produce a schema that matches the Prisma client for every model", async () => {
    const { db } = freshDatabase();
    try {
      const instructor = await db.user.create({ data: { email: "teacher@example.test", role: "instructor", displayName: "T" } });
      const learner = await db.user.create({ data: {} });
      await db.session.create({ data: { tokenHash: "h", userId: learner.id, expiresAt: new Date(Date.now() + 1000) } });
      const cohort = await db.cohort.create({ data: { name: "Bootcamp 1", instructorId: instructor.id, inviteCode: "abc", lessonIds: JSON.stringify(["01-why-orchestration"]) } });
      await db.enrollment.create({ data: { cohortId: cohort.id, userId: learner.id } });
      const sandbox = await db.sandbox.create({ data: { userId: learner.id, provider: "docker", profile: "sim", status: "ready", providerState: "{}" } });
      const reserved = await db.sandbox.create({ data: { provider: "docker", profile: "sim", status: "pooled", reservedFor: `cohort:${cohort.id}`, reservedUntil: new Date() } });
      expect(await db.sandbox.count({ where: { reservedFor: `cohort:${cohort.id}`, status: "pooled" } })).toBe(1);
      await db.classSession.create({ data: { cohortId: cohort.id, startsAt: new Date(Date.UTC(2026, 11, 5, 9)) } });
      // One session per cohort and start time.
      await expect(db.classSession.create({ data: { cohortId: cohort.id, startsAt: new Date(Date.UTC(2026, 11, 5, 9)) } })).rejects.toThrow();
      await db.sandbox.delete({ where: { id: reserved.id } });
      await db.attempt.create({ data: { userId: learner.id, lessonId: "01-why-orchestration", exerciseId: "e1", sandboxId: sandbox.id, outcome: "pass", results: "{}" } });
      await db.progress.create({ data: { userId: learner.id, lessonId: "01-why-orchestration", exerciseId: "e1", attempts: 1, firstPassedAt: new Date() } });
      const loaded = await db.user.findUniqueOrThrow({
        where: { id: learner.id },
        include: { sessions: true, enrollments: true, sandboxes: true, attempts: true, progress: true },
      });
      expect(loaded.role).toBe("learner");
      expect(loaded.locale).toBe("ko");
      expect([loaded.sessions, loaded.enrollments, loaded.sandboxes, loaded.attempts, loaded.progress].map((l) => l.length)).toEqual([1, 1, 1, 1, 1]);
      // Unique constraints from the schema exist in the database.
      await expect(db.progress.create({ data: { userId: learner.id, lessonId: "01-why-orchestration", exerciseId: "e1" } })).rejects.toThrow();
      // Deleting a user cascades to their rows and detaches their sandbox.
      await db.user.delete({ where: { id: learner.id } });
      expect(await db.sandbox.findUniqueOrThrow({ where: { id: sandbox.id } })).toMatchObject({ userId: null });
      expect(await db.attempt.count()).toBe(0);
    } finally {
      await db.$disconnect();
    }
  });
});
