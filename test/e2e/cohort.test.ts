// A bootcamp as its people meet it, in Debian's Chromium against the production server with
// real labs, each person in a browser context of their own: the admin makes an instructor on
// the admin page; the instructor signs in through the dashboard and creates a cohort; two
// learners open the invite link, sign up through it and join; one of them fails and then
// passes an exercise in their own lab, and the instructor's open dashboard shows both
// without a reload; the learner's attempts are there on a click, and the CSV holds the pass.
import { randomBytes } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createInstructor, fillAuthForm } from "../support/account-forms";
import { launchBrowser } from "../support/browser";
import { startLab, stopLabIfReady } from "../support/lab-page";
import { EXERCISE_LESSON } from "./global-setup";

const baseURL = inject("baseURL");
/** Generous: the first start may wait for the warm pool, which other test files also used. */
const FIRST_START_MS = 150_000;
/** A page, a grader round trip or a live frame; bounded, but roomy for a loaded 2-core host. */
const ANSWER_MS = 45_000;
const EXERCISE = `${EXERCISE_LESSON}/scale-web`;

const stamp = randomBytes(3).toString("hex");
const instructor = { name: "박강사", email: `teacher-${stamp}@e2e.example`, password: `teacher-${stamp}-pass` };
const learners = [
  { name: "김하늘", email: `haneul-${stamp}@e2e.example`, password: `haneul-${stamp}-pass` },
  { name: 'Lee, "Sam"', email: `sam-${stamp}@e2e.example`, password: `sam-${stamp}-pass` },
];

let browser: Browser;
const contexts: BrowserContext[] = [];
let teacher: Page;
let haneul: Page;
let sam: Page;
let cohortUrl = "";
let inviteUrl = "";

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1400, height: 900 } });
  contexts.push(context);
  return context.newPage();
}

const cell = (name: string) => teacher.locator('[data-testid="learner-row"]', { hasText: name }).locator(`[data-testid="cell"][data-exercise="${EXERCISE}"]`);
const notReloaded = () => teacher.evaluate(() => (window as unknown as { kubelabMarker?: string }).kubelabMarker);

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await stopLabIfReady(haneul);
  await browser?.close();
});

describe("a cohort", { timeout: 120_000 }, () => {
  it("gets an instructor made by the admin on the admin page", async () => {
    const admin = await newPage();
    await admin.goto(`/en/sign-in?next=${encodeURIComponent("/en/admin")}`);
    await fillAuthForm(admin, { email: inject("adminEmail"), password: inject("adminPassword") });
    await admin.waitForURL(/\/en\/admin$/, { timeout: ANSWER_MS });
    await createInstructor(admin, instructor, ANSWER_MS);
  });

  it("is created by the instructor, who is sent through sign-in and back", async () => {
    teacher = await newPage();
    await teacher.goto("/en/dashboard");
    await teacher.waitForURL(/\/en\/sign-in\?next=/, { timeout: ANSWER_MS });
    await fillAuthForm(teacher, { email: instructor.email, password: instructor.password });
    await teacher.waitForURL(/\/en\/dashboard$/, { timeout: ANSWER_MS });
    const form = teacher.locator('[data-testid="create-cohort"]');
    // An empty name is refused with a message, and nothing else is lost.
    await form.locator('input[name="wholeCourse"]').uncheck();
    await form.locator(`input[value="${EXERCISE_LESSON}"]`).check();
    await teacher.click('[data-testid="create-cohort-submit"]');
    await teacher.waitForSelector("#cohort-name-error");
    expect(await teacher.textContent("#cohort-name-error")).toBe("Give the cohort a name.");
    expect(await form.locator(`input[value="${EXERCISE_LESSON}"]`).isChecked()).toBe(true);

    await form.locator('input[name="name"]').fill(`부트캠프 ${stamp}`);
    await teacher.click('[data-testid="create-cohort-submit"]');
    await teacher.waitForURL(/\/en\/dashboard\/[a-z0-9]{20,32}$/, { timeout: ANSWER_MS });
    cohortUrl = teacher.url();
    expect(await teacher.textContent('[data-testid="cohort-name"]')).toBe(`부트캠프 ${stamp}`);
    await expect.poll(() => teacher.getAttribute('[data-testid="stream-state"]', "data-state"), { timeout: ANSWER_MS }).toBe("live");
    await expect.poll(() => teacher.inputValue('[data-testid="invite-link"]'), { timeout: ANSWER_MS }).toMatch(/^http:\/\/.+\/en\/join\/[A-Za-z0-9_-]{24}$/);
    inviteUrl = await teacher.inputValue('[data-testid="invite-link"]');
    // From here on, a full reload of this page would lose the marker.
    await teacher.evaluate(() => ((window as unknown as { kubelabMarker?: string }).kubelabMarker = "still here"));
  });

  it("is joined by two learners through the invite link, each signing up on the way", async () => {
    for (const learner of learners) {
      const page = await newPage();
      if (learner === learners[0]) haneul = page;
      else sam = page;
      await page.goto(inviteUrl);
      expect(await page.getAttribute('[data-testid="join"]', "data-state")).toBe("signed-out");
      expect(await page.textContent("h1")).toBe(`부트캠프 ${stamp}`);
      await page.click('[data-testid="join-sign-up"]');
      await page.waitForURL(/\/en\/sign-up\?next=/, { timeout: ANSWER_MS });
      await fillAuthForm(page, learner);
      await page.waitForURL(inviteUrl, { timeout: ANSWER_MS });
      await page.click('[data-testid="join-cohort"]');
      await page.waitForSelector('[data-testid="join-done"]', { timeout: ANSWER_MS });
      // Joining again is harmless: the page already says they are in.
      await page.reload();
      expect(await page.getAttribute('[data-testid="join"]', "data-state")).toBe("member");
    }
    // The instructor's open dashboard picked both up from the stream.
    await expect.poll(() => teacher.locator('[data-testid="learner-row"]').count(), { timeout: ANSWER_MS }).toBe(2);
    expect(await cell(learners[0]!.name).getAttribute("data-state")).toBe("not-started");
    expect(await notReloaded()).toBe("still here");
  });

  it("keeps learners out of the dashboard, its stream and its CSV", async () => {
    const id = cohortUrl.split("/").at(-1)!;
    for (const path of [`/api/cohorts/${id}/events`, `/api/cohorts/${id}/csv`]) {
      const response = await haneul.request.get(path);
      expect(response.status(), path).toBe(403);
    }
    await haneul.goto(cohortUrl);
    await haneul.waitForSelector('[data-testid="dashboard-forbidden"]');
  });

  it(
    "shows a failed and then a passed exercise live, without a reload",
    async () => {
      const card = `[data-testid="exercise"][data-exercise-id="scale-web"]`;
      await haneul.goto(`/en/lessons/${EXERCISE_LESSON}`);
      await startLab(haneul, FIRST_START_MS);
      const check = haneul.locator(`${card} [data-testid="exercise-check"]`);
      await expect.poll(() => check.isEnabled(), { timeout: ANSWER_MS }).toBe(true);
      // Not yet solved: the grader says fail. A Check can also come back as error when its
      // setup races the live checks' own (the exercise tests own that); a learner would press
      // Check again, and so does this test, at most twice more.
      for (let tries = 0; tries < 3; tries++) {
        await expect.poll(() => check.isEnabled(), { timeout: ANSWER_MS }).toBe(true);
        await check.click();
        await expect.poll(() => haneul.getAttribute(card, "data-outcome"), { timeout: ANSWER_MS, interval: 200 }).toMatch(/^(fail|error)$/);
        if ((await haneul.getAttribute(card, "data-outcome")) === "fail") break;
      }
      expect(await haneul.getAttribute(card, "data-outcome")).toBe("fail");
      // "stuck" only if the retries above made three attempts.
      await expect.poll(() => cell(learners[0]!.name).getAttribute("data-state"), { timeout: ANSWER_MS, interval: 250 }).toMatch(/^(attempted|stuck)$/);

      const terminal = '[data-testid="terminal"]';
      await expect.poll(() => haneul.getAttribute(terminal, "data-terminal-state"), { timeout: ANSWER_MS, interval: 200 }).toBe("attached");
      await haneul.click(terminal);
      await haneul.keyboard.type("kubectl scale deployment web --replicas=3");
      await haneul.keyboard.press("Enter");
      await expect.poll(() => haneul.getAttribute(card, "data-done"), { timeout: ANSWER_MS, interval: 250 }).toBe("true");
      await check.click();
      await expect.poll(() => haneul.getAttribute(card, "data-outcome"), { timeout: ANSWER_MS, interval: 200 }).toBe("pass");

      await expect.poll(() => cell(learners[0]!.name).getAttribute("data-state"), { timeout: ANSWER_MS, interval: 250 }).toBe("passed");
      expect(await cell(learners[0]!.name).textContent()).toMatch(/^✓ \d{2}:\d{2}/);
      expect(await cell(learners[1]!.name).getAttribute("data-state")).toBe("not-started");
      await expect.poll(() => teacher.getAttribute(`[data-testid="exercise-summary"][data-exercise="${EXERCISE}"]`, "data-passed"), { timeout: ANSWER_MS }).toBe("1");
      expect(await notReloaded()).toBe("still here");
    },
    FIRST_START_MS + 90_000,
  );

  it("opens the learner's attempts, with the grader's checks, and their lab", async () => {
    await teacher.locator('[data-testid="learner-row"]', { hasText: learners[0]!.name }).locator('[data-testid="learner-open"]').click();
    const panel = teacher.locator('[data-testid="learner-detail"]');
    await expect.poll(() => panel.locator('[data-testid="learner-attempt"]').count(), { timeout: ANSWER_MS }).toBeGreaterThanOrEqual(2);
    const outcomes = await panel.locator('[data-testid="learner-attempt"]').evaluateAll((els) => els.map((el) => el.getAttribute("data-outcome")));
    expect(outcomes[0]).toBe("pass");
    expect(outcomes).toContain("fail");
    const text = (await panel.textContent()) ?? "";
    expect(text).toContain("Three replicas");
    expect(text).toMatch(/expected 3 replicas, found 1/);
    expect(["running", "idle"]).toContain(await panel.locator('[data-testid="learner-lab-state"]').getAttribute("data-state"));
    expect(await panel.locator('[data-testid="learner-lab-reset"]').isEnabled()).toBe(true);
  });

  it("exports the pass as CSV that Excel reads as UTF-8", async () => {
    const id = cohortUrl.split("/").at(-1)!;
    const response = await teacher.request.get(`/api/cohorts/${id}/csv?locale=ko`);
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toBe("text/csv; charset=utf-8");
    expect(response.headers()["content-disposition"]).toContain(`filename*=UTF-8''${encodeURIComponent(`부트캠프-${stamp}`)}`);
    const body = (await response.body()).toString("utf8");
    expect(body.startsWith("\uFEFF")).toBe(true);
    const lines = body.slice(1).split("\r\n");
    expect(lines[0]).toBe(`이름,이메일,통과 수,과제 수,마지막 활동,${EXERCISE} 상태,${EXERCISE} 처음 통과 시각,${EXERCISE} 시도 횟수`);
    const haneulRow = lines.find((l) => l.startsWith(`${learners[0]!.name},`))!;
    expect(haneulRow).toMatch(new RegExp(`^김하늘,${learners[0]!.email},1,1,[^,]+,통과,\\d{4}-\\d{2}-\\d{2}T[^,]+Z,\\d+$`));
    expect(lines).toContain(`"Lee, ""Sam""",${learners[1]!.email},0,1,,시작 전,,0`);
  });

  it("resets the learner's lab from the dashboard", async () => {
    const panel = teacher.locator('[data-testid="learner-detail"]');
    const reset = panel.locator('[data-testid="learner-lab-reset"]');
    await reset.click();
    // The action returns once the reset is done; the button is usable again then.
    await expect.poll(() => reset.isEnabled(), { timeout: ANSWER_MS }).toBe(true);
    expect(["running", "idle"]).toContain(await panel.locator('[data-testid="learner-lab-state"]').getAttribute("data-state"));
    // The learner's cluster was emptied: the Deployment they scaled to three is gone (the
    // lesson's live checks may run its setup again, which makes a fresh one with one replica).
    await expect.poll(() => haneul.getAttribute('[data-testid="lab-state"]', "data-state"), { timeout: ANSWER_MS, interval: 250 }).toBe("ready");
    const terminal = '[data-testid="terminal"]';
    const screen = () => haneul.$eval(terminal, (el) => (el as HTMLElement & { kubelabBuffer(): string }).kubelabBuffer());
    await expect.poll(() => haneul.getAttribute(terminal, "data-terminal-state"), { timeout: ANSWER_MS, interval: 200 }).toBe("attached");
    await haneul.click(terminal);
    await haneul.keyboard.type(`echo "replicas=$(kubectl get deployment web -o jsonpath='{.spec.replicas}' 2>/dev/null || echo none)"`);
    await haneul.keyboard.press("Enter");
    await expect.poll(screen, { timeout: ANSWER_MS, interval: 250 }).toMatch(/^replicas=(none|1)$/m);
  });

  it("removes a learner, who then cannot rejoin with the old link or a new one", async () => {
    await teacher.locator('[data-testid="learner-row"]', { hasText: "Sam" }).locator('[data-testid="learner-open"]').click();
    const panel = teacher.locator('[data-testid="learner-detail"]');
    await panel.locator('[data-testid="learner-remove"]').click();
    await panel.locator('[data-testid="learner-remove-confirm"]').click();
    await expect.poll(() => teacher.locator('[data-testid="learner-row"]').count(), { timeout: ANSWER_MS }).toBe(1);
    await teacher.waitForSelector('[data-testid="removed-learner"]');

    await teacher.click('[data-testid="invite-regenerate"]');
    await teacher.click('[data-testid="invite-regenerate-confirm"]');
    await expect.poll(() => teacher.inputValue('[data-testid="invite-link"]'), { timeout: ANSWER_MS }).not.toBe(inviteUrl);
    const fresh = await teacher.inputValue('[data-testid="invite-link"]');
    await sam.goto(inviteUrl);
    expect(await sam.getAttribute('[data-testid="join"]', "data-state")).toBe("invalid");
    await sam.goto(fresh);
    expect(await sam.getAttribute('[data-testid="join"]', "data-state")).toBe("removed");
    expect(await sam.locator('[data-testid="join-cohort"]').count()).toBe(0);
    expect(await notReloaded()).toBe("still here");
  });

  it("keeps the pass across a reload, and says it all in Korean on the Korean page", async () => {
    await teacher.goto(cohortUrl.replace("/en/", "/ko/"));
    await expect.poll(() => teacher.getAttribute('[data-testid="stream-state"]', "data-state"), { timeout: ANSWER_MS }).toBe("live");
    expect(await teacher.textContent('[data-testid="stream-state"]')).toBe("실시간");
    expect(await teacher.textContent("#matrix-heading")).toBe("진도");
    expect(await cell(learners[0]!.name).getAttribute("data-state")).toBe("passed");
    expect(await teacher.textContent('[data-testid="csv-export"]')).toBe("CSV 내보내기");
  });
});
