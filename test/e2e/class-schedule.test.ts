// "The class arrives at once", with a small class against a server of its own (so it can be
// restarted) and real labs: the instructor presses "Class starts now" on the dashboard in
// Chromium; the server warms a lab for each enrolled learner, within capacity, and the
// dashboard counts them ready; a restarted server warms nothing twice; a learner's Start gets
// the warmed lab (the same container, no new one); the lab nobody claimed is ended when the
// class's hold runs out. Neither a learner of the cohort nor another instructor may schedule
// or start a class, and their tries warm nothing.
import { randomBytes } from "node:crypto";
import path from "node:path";
import Database from "better-sqlite3";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../support/browser";
import { removeInstallationLabs, requireDockerAndImage, runningLabsOf } from "../support/docker";
import { EXERCISE_FIXTURE, makeContentDir, ROOT } from "../support/fixture-content";
import { startLab, stopLabIfReady } from "../support/lab-page";
import { type ActionAnswer, buildActions, callAction, cookieFrom, pagePathOf } from "../support/server-action";
import { freePort, type RunningServer, startServer } from "../support/server";

const LESSON = "98-exercise-fixture";
const SESSION = "kubelab_session";
const FIRST_START_MS = 150_000;
const ANSWER_MS = 45_000;
const stamp = randomBytes(3).toString("hex");
const installation = `cls${randomBytes(4).toString("hex")}`;
const admin = { email: `admin-${stamp}@e2e.example`, password: `admin-${stamp}-password` };

let server: RunningServer;
let env: Record<string, string>;
let port: number;
let browser: Browser;
const cookies: Record<"instructor" | "otherInstructor" | "learner1" | "learner2", string> = { instructor: "", otherInstructor: "", learner1: "", learner2: "" };
let cohortId = "";

const actions = buildActions(ROOT);
async function call(file: string, name: string, args: unknown[], cookie?: string): Promise<ActionAnswer> {
  const action = actions.find((a) => a.filename === file && a.exportedName === name);
  if (!action) throw new Error(`${file}#${name} is not in the build`);
  return callAction(server.baseURL, { id: action.id, path: pagePathOf(action, LESSON) }, args, { cookie });
}
const COHORT = "app/_lib/cohort/actions.ts";
const AUTH = "app/_lib/auth/actions.ts";
const form = (fields: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
};
const valueOf = (a: ActionAnswer) => {
  expect(a.threw, a.raw.slice(0, 300)).toBe(false);
  return a.value as { ok: boolean; error?: string; data?: Record<string, unknown> };
};
async function session(answer: ActionAnswer, what: string): Promise<string> {
  const cookie = cookieFrom(answer.setCookies, SESSION);
  if (!cookie) throw new Error(`${what}: no session cookie (status ${answer.status}): ${answer.raw.slice(0, 300)}`);
  return cookie;
}
const signIn = async (email: string, password: string) => session(await call(AUTH, "signInAction", [{}, form({ email, password, locale: "en", next: "/en" })]), `sign-in of ${email}`);
const signUp = async (email: string, password: string, displayName: string) =>
  session(await call(AUTH, "signUpAction", [{}, form({ email, password, displayName, locale: "en", next: "/en" })]), `sign-up of ${email}`);

/** The server's own database, read-only: what it recorded about labs and classes. */
function readDb<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(path.join(server.dataDir, "kubelab.db"), { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}
const reserved = () =>
  readDb((db) => db.prepare(`SELECT id, status, userId, endReason, providerState FROM Sandbox WHERE reservedFor = ? ORDER BY createdAt`).all(`cohort:${cohortId}`)) as {
    id: string;
    status: string;
    userId: string | null;
    endReason: string | null;
    providerState: string;
  }[];
const classSessions = () => readDb((db) => (db.prepare(`SELECT COUNT(*) AS n FROM ClassSession`).get() as { n: number }).n);
const containerOf = (row: { providerState: string }) => (JSON.parse(row.providerState) as { ref: string }).ref;
const labs = async () => (await runningLabsOf(installation)).map((c) => c.Id).sort();

async function pageAs(cookie: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: server.baseURL, viewport: { width: 1400, height: 900 } });
  const [name, value] = cookie.split("=") as [string, string];
  await context.addCookies([{ name, value, url: server.baseURL }]);
  return context.newPage();
}

beforeAll(async () => {
  await requireDockerAndImage();
  env = {
    KUBELAB_CONTENT_DIR: makeContentDir("class", { lessons: { [LESSON]: EXERCISE_FIXTURE } }),
    KUBELAB_SECRET: `class-${randomBytes(24).toString("hex")}`,
    KUBELAB_INSTALLATION_ID: installation,
    KUBELAB_ADMIN_EMAIL: admin.email,
    KUBELAB_ADMIN_PASSWORD: admin.password,
    KUBELAB_POOL_SIZE: "0",
    KUBELAB_CAPACITY: "3",
    // A short class, so the unclaimed lab's end comes within the test; the scheduler and the
    // culler look often. The order of events below never depends on how fast labs start.
    KUBELAB_CLASS_HOLD_MIN: "2",
    KUBELAB_CLASS_SCHEDULER_INTERVAL_SEC: "2",
    KUBELAB_CULL_INTERVAL_SEC: "3",
    // One boot at a time, so the last step has a line to show.
    KUBELAB_MAX_CONCURRENT_STARTS: "1",
  };
  port = await freePort();
  server = await startServer(env, { port });
  browser = await launchBrowser();

  const adminCookie = await signIn(admin.email, admin.password);
  for (const who of ["instructor", "otherInstructor"] as const) {
    const email = `${who}-${stamp}@e2e.example`;
    const made = await call("app/_lib/admin/actions.ts", "createInstructorAdminAction", [{}, form({ email, password: `${who}-${stamp}-pw`, displayName: who, locale: "en" })], adminCookie);
    expect(made.value, made.raw.slice(0, 300)).toMatchObject({ ok: true });
    cookies[who] = await signIn(email, `${who}-${stamp}-pw`);
  }
  const cohort = valueOf(await call(COHORT, "createCohortAction", [{ name: `Class ${stamp}`, lessonIds: null, startsAt: new Date(Date.now() - 86_400_000).toISOString(), endsAt: new Date(Date.now() + 30 * 86_400_000).toISOString() }], cookies.instructor));
  cohortId = (cohort.data as { id: string }).id;
  const invite = valueOf(await call(COHORT, "regenerateInviteAction", [{ cohortId }], cookies.instructor));
  for (const who of ["learner1", "learner2"] as const) {
    cookies[who] = await signUp(`${who}-${stamp}@e2e.example`, `${who}-${stamp}-password`, `${who} ${stamp}`);
    expect(valueOf(await call(COHORT, "joinCohortAction", [{ code: (invite.data as { inviteCode: string }).inviteCode }], cookies[who]))).toMatchObject({ ok: true });
  }
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await removeInstallationLabs(installation);
});

describe("a scheduled class", { timeout: 240_000 }, () => {
  it("cannot be scheduled or started by a learner of the cohort or by another instructor, and their tries warm nothing", async () => {
    const later = new Date(Date.now() + 86_400_000).toISOString();
    for (const who of ["learner1", "otherInstructor"] as const) {
      for (const [name, args] of [
        ["startClassNowAction", [{ cohortId }]],
        ["scheduleClassAction", [{ cohortId, startsAt: later }]],
        ["classScheduleAction", [{ cohortId }]],
      ] as const) {
        const answer = valueOf(await call(COHORT, name, [...args], cookies[who]));
        expect(answer, `${who} ${name}`).toMatchObject({ ok: false, error: "forbidden" });
      }
    }
    expect(classSessions()).toBe(0);
    expect(reserved()).toEqual([]);
    expect(await labs()).toEqual([]);
  });

  let warmed: string[] = [];

  it("starts now from the dashboard: a lab is warmed for each enrolled learner, and the dashboard counts them ready", async () => {
    const teacher = await pageAs(cookies.instructor);
    await teacher.goto(`/en/dashboard/${cohortId}`);
    const counts = teacher.locator('[data-testid="class-labs"]');
    expect(await counts.getAttribute("data-enrolled")).toBe("2");
    expect(await counts.getAttribute("data-ready")).toBe("0");
    await teacher.click('[data-testid="class-start-now"]');
    await expect.poll(() => teacher.textContent('[data-testid="class-status"]'), { timeout: ANSWER_MS }).toContain("2 labs are being prepared");
    // The dashboard follows the labs to ready (it polls; no reload).
    await expect.poll(() => counts.getAttribute("data-ready"), { timeout: FIRST_START_MS, interval: 500 }).toBe("2");
    expect(await counts.getAttribute("data-warming")).toBe("0");
    const rows = reserved();
    expect(rows.map((r) => [r.status, r.userId])).toEqual([["pooled", null], ["pooled", null]]);
    warmed = rows.map(containerOf).sort();
    expect(await labs()).toEqual(warmed);
    // Pressing again warms nothing more: both learners have a lab waiting.
    await teacher.click('[data-testid="class-start-now"]');
    await expect.poll(() => teacher.textContent('[data-testid="class-status"]'), { timeout: ANSWER_MS }).toContain("No new labs were needed");
    expect(reserved()).toHaveLength(2);
    await teacher.context().close();
  });

  it("after a server restart, the scheduler (which looks every 2 s) warms nothing twice", async () => {
    await server.stop();
    server = await startServer(env, { port, dataDir: server.dataDir });
    // The scheduler has made a pass since the start (it runs one at once, then every 2 s):
    // the schedule answer comes from the same database it reads.
    const schedule = valueOf(await call(COHORT, "classScheduleAction", [{ cohortId }], cookies.instructor));
    expect(schedule.data).toMatchObject({ labs: { enrolled: 2, ready: 2, warming: 0 } });
    await new Promise((r) => setTimeout(r, 5_000)); // two more scheduler passes, at least
    expect(reserved()).toHaveLength(2);
    expect(await labs()).toEqual(warmed);
  });

  it("a learner's Start gets a warmed lab at once: the same container, no new one", async () => {
    const learner = await pageAs(cookies.learner1);
    await learner.goto(`/en/lessons/${LESSON}`);
    await startLab(learner, ANSWER_MS);
    const mine = reserved().find((r) => r.userId !== null);
    expect(mine?.status).toBe("ready");
    expect(warmed).toContain(containerOf(mine!));
    expect(await labs()).toEqual(warmed);
    await stopLabIfReady(learner);
    await learner.context().close();
  });

  it("the lab nobody claimed is ended when the class's hold runs out", async () => {
    await expect
      .poll(() => reserved().find((r) => r.userId === null), { timeout: 4 * 60_000, interval: 1000 })
      .toMatchObject({ status: "ended", endReason: "unclaimed" });
    await expect.poll(labs, { timeout: ANSWER_MS }).toEqual([]);
  }, 5 * 60_000);

  it("after the class, learners who press Start together see their place in the line of labs booting", async () => {
    const pages = [await pageAs(cookies.learner1), await pageAs(cookies.learner2)];
    for (const p of pages) await p.goto(`/en/lessons/${LESSON}`);
    await Promise.all(pages.map((p) => p.click('[data-testid="lab-start"]')));
    // One boots (one at a time on this server), the other waits first in line; this server
    // measured no cold start since it restarted, so it says it has no estimate yet.
    const waiting = '[data-testid="lab-start-wait"][data-position="1"]';
    await expect.poll(async () => (await Promise.all(pages.map((p) => p.locator(waiting).count()))).reduce((a, b) => a + b), { timeout: ANSWER_MS, interval: 100 }).toBe(1);
    const inLine = (await Promise.all(pages.map(async (p) => ((await p.locator(waiting).count()) ? p : null)))).find(Boolean)!;
    expect(await inLine.textContent('[data-testid="lab-start-wait"]')).toContain("You are 1st in line");
    expect(await inLine.textContent('[data-testid="lab-start-wait"]')).toContain("No estimate yet");
    for (const p of pages) await expect.poll(() => p.getAttribute('[data-testid="lab-state"]', "data-state"), { timeout: FIRST_START_MS }).toBe("ready");
    for (const p of pages) {
      await stopLabIfReady(p);
      await p.context().close();
    }
    await expect.poll(labs, { timeout: ANSWER_MS }).toEqual([]);
  });
});
