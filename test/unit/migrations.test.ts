// The migration runner applies prisma/migrations once, keeps Prisma's bookkeeping table,
// refuses edited migrations, and leaves a schema the generated client can use for every model.
import { cpSync, mkdtempSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { describe, expect, it } from "vitest";
import { PrismaClient } from "@/prisma/generated/client";
import { migrate, sqlitePath } from "@/prisma/migrate";

const migrations = path.resolve("prisma/migrations");
const fresh = () => path.join(mkdtempSync(path.join(tmpdir(), "kubelab-db-")), "test.db");

describe("database migrations", () => {
  it("apply once and are idempotent", () => {
    const file = fresh();
    const first = migrate(file, migrations);
    expect(first.applied.length).toBeGreaterThan(0);
    const second = migrate(file, migrations);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(first.applied);
    const rows = new Database(file).prepare(`SELECT migration_name, finished_at, applied_steps_count FROM _prisma_migrations`).all();
    expect(rows).toHaveLength(first.applied.length);
    expect(rows[0]).toMatchObject({ applied_steps_count: 1 });
  });

  it("refuse a migration that was edited after it was applied", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "kubelab-mig-"));
    cpSync(migrations, dir, { recursive: true });
    const file = fresh();
    const [name] = migrate(file, dir).applied;
    appendFileSync(path.join(dir, name!, "migration.sql"), "\n-- edited\n");
    expect(() => migrate(file, dir)).toThrow(/changed after it was applied/);
  });

  it("resolve relative SQLite URLs against the project root and refuse others", () => {
    expect(sqlitePath("file:./data/x.db", "/srv/kubelab")).toBe("/srv/kubelab/data/x.db");
    expect(() => sqlitePath("postgresql://x", "/")).toThrow(/prisma migrate deploy/);
  });

  it("produce a schema that matches the Prisma client for every model", async () => {
    const file = fresh();
    migrate(file, migrations);
    const db = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: file }) });
    try {
      const instructor = await db.user.create({ data: { email: "teacher@example.test", role: "instructor", displayName: "T" } });
      const learner = await db.user.create({ data: {} });
      await db.session.create({ data: { tokenHash: "h", userId: learner.id, expiresAt: new Date(Date.now() + 1000) } });
      const cohort = await db.cohort.create({ data: { name: "Bootcamp 1", instructorId: instructor.id, inviteCode: "abc", lessonIds: JSON.stringify(["01-why-orchestration"]) } });
      await db.enrollment.create({ data: { cohortId: cohort.id, userId: learner.id } });
      const sandbox = await db.sandbox.create({ data: { userId: learner.id, provider: "docker", profile: "sim", status: "ready", providerState: "{}" } });
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
