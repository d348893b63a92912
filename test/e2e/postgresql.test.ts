// kubelab on PostgreSQL, chosen by DATABASE_URL alone: the production server starts on an
// empty database of the loopback test server (sandbox/host/postgres-test.sh), migrates it,
// and a learner in Debian's Chromium starts a real lab and passes an exercise; every row
// (the learner, the lab, the attempts, the progress) is in PostgreSQL and no SQLite file
// exists. After a restart on the same database nothing migrates twice, the lab is adopted
// again, and the pass is still there.
import { readdirSync, existsSync } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../support/browser";
import { dropTestDatabases, emptyPostgresDatabase, queryPostgres } from "../support/database";
import { removeInstallationLabs, requireDockerAndImage, runningLabsOf } from "../support/docker";
import { EXERCISE_FIXTURE, makeContentDir, ROOT } from "../support/fixture-content";
import { startLab, stopLabIfReady, TERMINAL, waitForShell } from "../support/lab-page";
import { freePort, type RunningServer, startServer } from "../support/server";

const LESSON = "98-exercise-fixture";
const FIRST_START_MS = 150_000;
/** Roomy for a loaded 2-core host; not a speed claim. */
const ANSWER_MS = 45_000;
const installation = `pg${randomBytes(4).toString("hex")}`;
const migrationNames = readdirSync(path.join(ROOT, "prisma/postgresql/migrations"), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

let databaseUrl: string;
let server: RunningServer;
let env: Record<string, string>;
let port: number;
let browser: Browser;
let page: Page;

const card = '[data-testid="exercise"][data-exercise-id="scale-web"]';
const attr = (selector: string, name: string) => page.getAttribute(selector, name);

const sql = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => queryPostgres<T>(databaseUrl, text, values);

beforeAll(async () => {
  await requireDockerAndImage();
  databaseUrl = await emptyPostgresDatabase();
  env = {
    DATABASE_URL: databaseUrl,
    KUBELAB_CONTENT_DIR: makeContentDir("pg", { lessons: { [LESSON]: EXERCISE_FIXTURE } }),
    KUBELAB_SECRET: `pg-${randomBytes(24).toString("hex")}`,
    KUBELAB_INSTALLATION_ID: installation,
    KUBELAB_POOL_SIZE: "0",
    KUBELAB_ADMIN_EMAIL: "admin@pg.example",
    KUBELAB_ADMIN_PASSWORD: `pg-admin-${randomBytes(12).toString("hex")}`,
  };
  port = await freePort();
  server = await startServer(env, { port });
  browser = await launchBrowser();
  page = await (await browser.newContext({ baseURL: server.baseURL, viewport: { width: 1400, height: 900 } })).newPage();
});

afterAll(async () => {
  await stopLabIfReady(page);
  await browser?.close();
  await server?.stop();
  await removeInstallationLabs(installation);
  await dropTestDatabases();
});

describe("kubelab on PostgreSQL", { timeout: 120_000 }, () => {
  it("migrates the empty database at start, answers healthy, and keeps nothing in SQLite", async () => {
    const applied = await sql<{ migration_name: string }>(`SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY 1`);
    expect(applied.map((r) => r.migration_name)).toEqual(migrationNames);
    const health = (await (await fetch(`${server.baseURL}/api/health`)).json()) as { database: { ok: boolean; disk?: unknown } };
    expect(health.database.ok).toBe(true);
    // No disk figure: the database is not a file of this host.
    expect(health.database.disk).toBeUndefined();
    // The first admin was made in PostgreSQL.
    expect(await sql(`SELECT role FROM "User" WHERE email = $1`, ["admin@pg.example"])).toEqual([{ role: "admin" }]);
    expect(existsSync(path.join(server.dataDir, "kubelab.db"))).toBe(false);
  });

  it(
    "a learner starts a lab and passes an exercise, and PostgreSQL holds the lab, the attempts and the pass",
    async () => {
      await page.goto(`/en/lessons/${LESSON}`);
      await startLab(page, FIRST_START_MS);
      // The lesson's setup (the web Deployment) has run once its live checks watch the lab;
      // typing before that, the learner would scale a Deployment that is not there yet.
      await expect.poll(() => page.isVisible(`${card} [data-testid="exercise-live"]`), { timeout: ANSWER_MS }).toBe(true);
      await expect.poll(() => page.getAttribute(TERMINAL, "data-terminal-state"), { timeout: ANSWER_MS, interval: 200 }).toBe("attached");
      await page.click(TERMINAL);
      await page.keyboard.type("kubectl scale deployment web --replicas=3");
      await page.keyboard.press("Enter");
      await expect.poll(() => attr(card, "data-done"), { timeout: ANSWER_MS, interval: 250 }).toBe("true");
      await page.click(`${card} [data-testid="exercise-check"]`);
      await expect.poll(() => attr(card, "data-attempts"), { timeout: ANSWER_MS, interval: 200 }).toBe("1");
      await expect.poll(() => attr(card, "data-checking"), { timeout: ANSWER_MS, interval: 200 }).toBe("false");
      expect(await attr(card, "data-outcome")).toBe("pass");

      const progress = await sql<{ userId: string; attempts: number; firstPassedAt: Date | null }>(
        `SELECT "userId", attempts, "firstPassedAt" FROM "Progress" WHERE "lessonId" = $1 AND "exerciseId" = 'scale-web'`,
        [LESSON],
      );
      expect(progress).toHaveLength(1);
      expect(progress[0]!.attempts).toBe(1);
      expect(progress[0]!.firstPassedAt).toBeInstanceOf(Date);
      const labs = await sql<{ status: string; provider: string }>(`SELECT status, provider FROM "Sandbox" WHERE "userId" = $1`, [progress[0]!.userId]);
      expect(labs).toEqual([{ status: "ready", provider: "docker" }]);
      expect(await sql(`SELECT outcome FROM "Attempt" WHERE "userId" = $1 ORDER BY "createdAt"`, [progress[0]!.userId])).toEqual(
        expect.arrayContaining([{ outcome: "pass" }]),
      );
    },
    FIRST_START_MS + 60_000,
  );

  it("after a restart on the same database migrates nothing twice, adopts the lab again and keeps the pass", async () => {
    const before = (await runningLabsOf(installation, { pool: false })).map((c) => c.Id);
    expect(before).toHaveLength(1);
    await server.stop();
    server = await startServer(env, { port, dataDir: server.dataDir });
    expect(await sql(`SELECT count(*)::int AS n FROM "_prisma_migrations"`)).toEqual([{ n: migrationNames.length }]);
    await page.reload();
    await expect.poll(() => attr(card, "data-done"), { timeout: ANSWER_MS, interval: 200 }).toBe("true");
    await waitForShell(page, ANSWER_MS);
    expect((await runningLabsOf(installation, { pool: false })).map((c) => c.Id)).toEqual(before);
  });
});
