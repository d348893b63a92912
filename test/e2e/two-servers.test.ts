// Two kubelab servers on one PostgreSQL database, as behind a load balancer: the production
// server started twice (its own port, process and connections each) with the same database,
// secret and installation, in Debian's Chromium with real labs. One of them leads (health
// says which). The instructor watches the dashboard on the first; a learner joins the
// cohort, starts a lab and passes an exercise on the second; the first server's dashboard
// shows the learner and the pass without a reload (the roster and progress events crossed
// over PostgreSQL's LISTEN/NOTIFY). When the leader stops, the other takes over.
import { randomBytes } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../support/browser";
import { cohortWithDashboard, joinThroughInvite } from "../support/cohort-journey";
import { dropTestDatabases, emptyPostgresDatabase } from "../support/database";
import { removeInstallationLabs, requireDockerAndImage } from "../support/docker";
import { EXERCISE_FIXTURE, makeContentDir } from "../support/fixture-content";
import { startLab, stopLabIfReady, TERMINAL } from "../support/lab-page";
import { leads, type RunningServer, startServer } from "../support/server";

const LESSON = "98-exercise-fixture";
const EXERCISE = `${LESSON}/scale-web`;
const FIRST_START_MS = 150_000;
/** Roomy for a loaded 2-core host; not a speed claim. */
const ANSWER_MS = 45_000;
const stamp = randomBytes(3).toString("hex");
const installation = `two${stamp}`;
const adminEmail = "admin@two.example";
const adminPassword = `two-admin-${randomBytes(12).toString("hex")}`;
const instructor = { name: "박강사", email: `teacher-${stamp}@two.example`, password: `teacher-${stamp}-pass` };
const learner = { name: "김하늘", email: `haneul-${stamp}@two.example`, password: `haneul-${stamp}-pass` };

let first: RunningServer;
let second: RunningServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let teacher: Page;
let haneul: Page;

async function pageOn(server: RunningServer): Promise<Page> {
  const context = await browser.newContext({ baseURL: server.baseURL, viewport: { width: 1400, height: 900 } });
  contexts.push(context);
  return context.newPage();
}

const cell = () => teacher.locator('[data-testid="learner-row"]', { hasText: learner.name }).locator(`[data-testid="cell"][data-exercise="${EXERCISE}"]`);
const notReloaded = () => teacher.evaluate(() => (window as unknown as { kubelabMarker?: string }).kubelabMarker);

beforeAll(async () => {
  await requireDockerAndImage();
  const env = {
    DATABASE_URL: await emptyPostgresDatabase(),
    KUBELAB_CONTENT_DIR: makeContentDir("two", { lessons: { [LESSON]: EXERCISE_FIXTURE } }),
    KUBELAB_SECRET: `two-${randomBytes(24).toString("hex")}`,
    KUBELAB_INSTALLATION_ID: installation,
    KUBELAB_POOL_SIZE: "1",
    KUBELAB_ADMIN_EMAIL: adminEmail,
    KUBELAB_ADMIN_PASSWORD: adminPassword,
  };
  // One after the other, so the first one's start (migrations, the first admin) is done.
  first = await startServer(env);
  second = await startServer(env);
  browser = await launchBrowser();
});

afterAll(async () => {
  await stopLabIfReady(haneul);
  await browser?.close();
  await first?.stop();
  await second?.stop();
  await removeInstallationLabs(installation);
  await dropTestDatabases();
});

describe("two kubelab servers on one PostgreSQL database", { timeout: 120_000 }, () => {
  it("has one leader, which health names", async () => {
    expect([await leads(first), await leads(second)]).toEqual([true, false]);
  });

  it("shows on the first server's dashboard a learner who joined through the second", async () => {
    teacher = await pageOn(first);
    const { inviteUrl } = await cohortWithDashboard(
      { admin: await pageOn(first), teacher },
      { admin: { email: adminEmail, password: adminPassword }, instructor },
      `두 서버 ${stamp}`,
      ANSWER_MS,
    );
    // From here on, a full reload of this page would lose the marker.
    await teacher.evaluate(() => ((window as unknown as { kubelabMarker?: string }).kubelabMarker = "still here"));

    haneul = await pageOn(second);
    await joinThroughInvite(haneul, inviteUrl, learner, ANSWER_MS);

    await expect.poll(() => teacher.locator('[data-testid="learner-row"]').count(), { timeout: ANSWER_MS }).toBe(1);
    expect(await cell().getAttribute("data-state")).toBe("not-started");
    expect(await notReloaded()).toBe("still here");
  });

  it(
    "shows on the first server's dashboard a pass checked on the second, without a reload",
    async () => {
      const card = `[data-testid="exercise"][data-exercise-id="scale-web"]`;
      await haneul.goto(`/en/lessons/${LESSON}`);
      await startLab(haneul, FIRST_START_MS);
      // The lesson's setup (the web Deployment) has run once its live checks watch the lab;
      // typing before that, the learner would scale a Deployment that is not there yet.
      await expect.poll(() => haneul.isVisible(`${card} [data-testid="exercise-live"]`), { timeout: ANSWER_MS }).toBe(true);
      await expect.poll(() => haneul.getAttribute(TERMINAL, "data-terminal-state"), { timeout: ANSWER_MS, interval: 200 }).toBe("attached");
      await haneul.click(TERMINAL);
      await haneul.keyboard.type("kubectl scale deployment web --replicas=3");
      await haneul.keyboard.press("Enter");
      await expect.poll(() => haneul.getAttribute(card, "data-done"), { timeout: ANSWER_MS, interval: 250 }).toBe("true");
      await haneul.click(`${card} [data-testid="exercise-check"]`);
      await expect.poll(() => haneul.getAttribute(card, "data-outcome"), { timeout: ANSWER_MS, interval: 200 }).toBe("pass");

      await expect.poll(() => cell().getAttribute("data-state"), { timeout: ANSWER_MS, interval: 250 }).toBe("passed");
      expect(await notReloaded()).toBe("still here");
    },
    FIRST_START_MS + 90_000,
  );

  it("hands the lead to the other server when the leader stops", async () => {
    await first.stop();
    await expect.poll(() => leads(second), { timeout: 20_000, interval: 250 }).toBe(true);
  });
});
