// The first day of a fresh install, walked the way people do it, in Debian's Chromium at
// 1280×800 against a production server of its own started with NO KUBELAB_ADMIN_* variables:
// the operator reads the console, finds the generated password's file, signs in through the
// real sign-in page, reaches the admin page and makes an instructor; the instructor (in
// Korean) creates a cohort; a learner (in English) joins with the invite link and passes an
// exercise in a real lab; the instructor's open matrix shows it without a reload; the CSV
// downloads. The Content-Security-Policy is on all along: any violation in any of these pages
// (the terminal's socket, the lesson, the dashboard's stream) fails the journey.
//
// Why the earlier tests missed issue 13's "the printed first admin cannot sign in": every one
// of them started the server with KUBELAB_ADMIN_EMAIL=admin@e2e.example (global-setup.ts), so
// the generated admin@localhost, which the sign-in form's email schema refuses, never met a
// browser. This file starts its own server precisely so that the default path is the one taken.
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInstructor, fillAuthForm } from "../support/account-forms";
import { launchBrowser } from "../support/browser";
import { removeInstallationLabs } from "../support/docker";
import { EXERCISE_FIXTURE, makeContentDir } from "../support/fixture-content";
import { screen, startLab, stopLabIfReady } from "../support/lab-page";
import { type RunningServer, startServer } from "../support/server";

const LESSON = "98-exercise-fixture";
const EXERCISE = `${LESSON}/scale-web`;
const FIRST_START_MS = 180_000;
const ANSWER_MS = 45_000;
const VIEWPORT = { width: 1280, height: 800 };

const stamp = randomBytes(3).toString("hex");
const instructor = { name: "최강사", email: `first-teacher-${stamp}@e2e.example`, password: `first-teacher-${stamp}` };
const learner = { name: "Robin Learner", email: `robin-${stamp}@e2e.example`, password: `robin-${stamp}-pass` };
const installation = `fa${randomBytes(4).toString("hex")}`;

let server: RunningServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let teacher: Page;
let robin: Page;
let inviteUrl = "";

/** What the browser refused under the site's Content-Security-Policy, from every page of the journey. */
const violations: string[] = [];

async function newPage(locale: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: server.baseURL, viewport: VIEWPORT, locale, acceptDownloads: true });
  contexts.push(context);
  const page = await context.newPage();
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(`${page.url()}: ${m.text()}`);
  });
  return page;
}

const cell = () => teacher.locator('[data-testid="learner-row"]', { hasText: learner.name }).locator(`[data-testid="cell"][data-exercise="${EXERCISE}"]`);

beforeAll(async () => {
  const content = makeContentDir("first-admin", { course: true, lessons: { [LESSON]: EXERCISE_FIXTURE } });
  // Whatever the calling shell exports, this server must choose its own first admin.
  delete process.env.KUBELAB_ADMIN_EMAIL;
  delete process.env.KUBELAB_ADMIN_PASSWORD;
  server = await startServer(
    { KUBELAB_CONTENT_DIR: content, KUBELAB_SECRET: `fa-${randomBytes(24).toString("hex")}`, KUBELAB_INSTALLATION_ID: installation, KUBELAB_POOL_SIZE: "1" },
    { captureOutput: true },
  );
  browser = await launchBrowser();
});

afterAll(async () => {
  await stopLabIfReady(robin);
  await browser?.close();
  await server?.stop();
  // The generated password's file lives in the data directory: nothing of it outlives the test.
  if (server) rmSync(server.dataDir, { recursive: true, force: true });
  await removeInstallationLabs(installation);
});

describe("a fresh install's first day", { timeout: 120_000 }, () => {
  it("lets the operator sign in with the generated admin, found as the console says, and make an instructor", async () => {
    // The console names the file; the password itself is neither printed nor logged.
    const printed = server.output();
    const email = /email:\s+(\S+)/.exec(printed)?.[1];
    const file = /password: in (\S+)/.exec(printed)?.[1];
    expect(email, printed).toBeDefined();
    expect(file, printed).toBeDefined();
    expect(printed).toContain(`rm ${file}`);
    expect(statSync(file!).mode & 0o777).toBe(0o600);
    const password = /^password: (\S+)$/m.exec(readFileSync(file!, "utf8"))?.[1];
    expect(password).toBeDefined();
    expect(printed).not.toContain(password!);

    const admin = await newPage("en-US");
    await admin.goto("/en/sign-in?next=%2Fen%2Fadmin");
    await fillAuthForm(admin, { email: email!, password: password! });
    await admin.waitForURL(/\/en\/admin$/, { timeout: ANSWER_MS });
    await createInstructor(admin, instructor, ANSWER_MS);
  });

  it("lets that instructor, in Korean, create a cohort", async () => {
    teacher = await newPage("ko-KR");
    await teacher.goto("/ko/dashboard");
    await teacher.waitForURL(/\/ko\/sign-in\?next=/, { timeout: ANSWER_MS });
    await fillAuthForm(teacher, { email: instructor.email, password: instructor.password });
    await teacher.waitForURL(/\/ko\/dashboard$/, { timeout: ANSWER_MS });
    const form = teacher.locator('[data-testid="create-cohort"]');
    await form.locator('input[name="name"]').fill(`첫 기수 ${stamp}`);
    await form.locator('input[name="wholeCourse"]').uncheck();
    await form.locator(`input[value="${LESSON}"]`).check();
    await teacher.click('[data-testid="create-cohort-submit"]');
    await teacher.waitForURL(/\/ko\/dashboard\/[a-z0-9]{20,32}$/, { timeout: ANSWER_MS });
    await expect.poll(() => teacher.getAttribute('[data-testid="stream-state"]', "data-state"), { timeout: ANSWER_MS }).toBe("live");
    expect(await teacher.textContent('[data-testid="stream-state"]')).toBe("실시간");
    await expect.poll(() => teacher.inputValue('[data-testid="invite-link"]'), { timeout: ANSWER_MS }).toMatch(/\/join\/[A-Za-z0-9_-]{24}$/);
    inviteUrl = await teacher.inputValue('[data-testid="invite-link"]');
    await teacher.evaluate(() => ((window as unknown as { kubelabMarker?: string }).kubelabMarker = "still here"));
  });

  it(
    "lets a learner, in English, join by the link and pass an exercise, live on the instructor's matrix",
    async () => {
      robin = await newPage("en-US");
      // The link carries the instructor's language; the learner reads English, so the same link in /en.
      await robin.goto(inviteUrl.replace("/ko/join/", "/en/join/"));
      await robin.click('[data-testid="join-sign-up"]');
      await robin.waitForURL(/\/en\/sign-up\?next=/, { timeout: ANSWER_MS });
      await fillAuthForm(robin, learner);
      await robin.waitForURL(/\/en\/join\//, { timeout: ANSWER_MS });
      await robin.click('[data-testid="join-cohort"]');
      await robin.waitForSelector('[data-testid="join-done"]', { timeout: ANSWER_MS });
      await expect.poll(() => cell().getAttribute("data-state"), { timeout: ANSWER_MS }).toBe("not-started");

      const card = `[data-testid="exercise"][data-exercise-id="scale-web"]`;
      await robin.goto(`/en/lessons/${LESSON}`);
      await startLab(robin, FIRST_START_MS);
      await robin.click('[data-testid="terminal"]');
      // As a person does: type the command, read its answer, and type it again if the terminal
      // did not take it (once seen in CI under load: the journey waited 45 s for a pass that
      // never came; the live tick itself is proven in exercise.test.ts).
      const scaled = async () => /deployment\.apps\/web scaled/.test(await screen(robin).catch(() => ""));
      for (let tries = 0; tries < 3 && !(await scaled()); tries++) {
        await robin.keyboard.type("kubectl scale deployment web --replicas=3");
        await robin.keyboard.press("Enter");
        await expect.poll(scaled, { timeout: 15_000, interval: 250 }).toBe(true).catch(() => undefined);
      }
      expect(await scaled(), `the terminal never answered the scale command:\n${await screen(robin).catch(() => "")}`).toBe(true);
      const check = robin.locator(`${card} [data-testid="exercise-check"]`);
      await expect.poll(() => check.isEnabled(), { timeout: ANSWER_MS }).toBe(true);
      // Check, and again after a while if it has not passed yet (pods may still be starting).
      await expect
        .poll(
          async () => {
            const outcome = await robin.getAttribute(card, "data-outcome");
            if (outcome !== "pass" && (await check.isEnabled())) await check.click();
            return robin.getAttribute(card, "data-outcome");
          },
          { timeout: ANSWER_MS, interval: 3_000 },
        )
        .toBe("pass");
      expect(await robin.getAttribute(card, "data-done")).toBe("true");

      await expect.poll(() => cell().getAttribute("data-state"), { timeout: ANSWER_MS, interval: 250 }).toBe("passed");
      expect(await teacher.evaluate(() => (window as unknown as { kubelabMarker?: string }).kubelabMarker)).toBe("still here");
    },
    FIRST_START_MS + 120_000,
  );

  it("downloads the cohort's CSV from the instructor's button, holding the pass", async () => {
    const [download] = await Promise.all([teacher.waitForEvent("download", { timeout: ANSWER_MS }), teacher.click('[data-testid="csv-export"]')]);
    const body = readFileSync((await download.path())!, "utf8");
    const row = body.split("\r\n").find((l) => l.startsWith(`${learner.name},`));
    expect(row, body).toMatch(new RegExp(`^${learner.name},${learner.email},1,1,[^,]+,통과,`));
  });

  it("ran every page above under the Content-Security-Policy without a single refusal", () => {
    expect(violations).toEqual([]);
  });

  it("refuses to be framed by another page (clickjacking)", async () => {
    const response = await fetch(`${server.baseURL}/en/sign-in`);
    expect(response.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
    const framer = await (await browser.newContext()).newPage();
    const refused: string[] = [];
    framer.on("console", (m) => refused.push(m.text()));
    await framer.setContent(`<iframe id="victim" src="${server.baseURL}/en/sign-in"></iframe>`);
    await expect.poll(() => refused.some((t) => /frame-ancestors/.test(t)), { timeout: ANSWER_MS }).toBe(true);
    const frame = framer.frames().find((f) => f !== framer.mainFrame());
    expect(await frame!.locator('[data-testid="auth-submit"]').count()).toBe(0);
  });
});
