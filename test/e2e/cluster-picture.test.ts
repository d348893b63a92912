// The live picture of a learner's cluster, in Debian's Chromium against the production server
// with a real lab: a learner in a cohort opens the rollout lesson in Korean (dark theme,
// reduced motion), opens the cluster view from the lesson's own link, works the toggle by
// keyboard, creates and scales a Deployment in the terminal and sees the picture gain pods
// without a reload; then the cohort's instructor opens the same learner's picture from the
// learner panel, read-only, and sees it follow the learner's next change. Strangers get no
// picture: no session is a 401, a learner asking for a classmate's is a 403.
import { randomBytes } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser } from "../support/browser";
import { cohortWithDashboard, joinThroughInvite } from "../support/cohort-journey";
import { startLab, stopLabIfReady, typeLine, waitForShell } from "../support/lab-page";

const baseURL = inject("baseURL");
const FIRST_START_MS = 150_000;
const ANSWER_MS = 45_000;
const LESSON = "08-rolling-updates-and-rollbacks";

const stamp = randomBytes(3).toString("hex");
const instructor = { name: "최강사", email: `pic-teacher-${stamp}@e2e.example`, password: `pic-teacher-${stamp}-pass` };
const learner = { name: "정다은", email: `pic-learner-${stamp}@e2e.example`, password: `pic-learner-${stamp}-pass` };

let browser: Browser;
const contexts: BrowserContext[] = [];
let teacher: Page;
let student: Page;
let cohortId = "";

async function newPage(options: Parameters<Browser["newContext"]>[0] = {}): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1400, height: 900 }, ...options });
  contexts.push(context);
  return context.newPage();
}

/** The pod names under one Deployment in a picture on the page. */
const podsOf = (page: Page, scope: string, deployment: string) =>
  page.locator(`${scope} [data-testid="picture-deployment"][data-name="${deployment}"] [data-testid="picture-pod"]`).evaluateAll((els) => els.map((el) => el.getAttribute("data-name")));

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await stopLabIfReady(student);
  await browser?.close();
});

describe("the cluster picture", { timeout: 120_000 }, () => {
  it("has a cohort: an instructor made by the admin, and a learner who joined", async () => {
    teacher = await newPage();
    const cohort = await cohortWithDashboard(
      { admin: await newPage(), teacher },
      { admin: { email: inject("adminEmail"), password: inject("adminPassword") }, instructor },
      `picture ${stamp}`,
      ANSWER_MS,
    );
    cohortId = cohort.cohortId;
    student = await newPage({ colorScheme: "dark", reducedMotion: "reduce", locale: "ko-KR" });
    await joinThroughInvite(student, cohort.inviteUrl, learner, ANSWER_MS);
  });

  it("is refused to strangers: no session, a malformed query, a learner asking for someone's lab", async () => {
    const anonymous = await fetch(`${baseURL}/api/lab/picture`);
    expect(anonymous.status).toBe(401);
    await anonymous.body?.cancel();
    const half = await student.request.get(`/api/lab/picture?cohort=${cohortId}`);
    expect(half.status()).toBe(400);
    // The learner is in the cohort but does not teach it: not even their own lab this way.
    await expect.poll(() => teacher.locator('[data-testid="learner-row"]').count(), { timeout: ANSWER_MS }).toBe(1);
    const learnerId = await teacher.locator('[data-testid="learner-row"]').getAttribute("data-user");
    expect(learnerId).toBeTruthy();
    const asLearner = await student.request.get(`/api/lab/picture?cohort=${cohortId}&learner=${learnerId}`, { timeout: ANSWER_MS });
    expect(asLearner.status()).toBe(403);
  });

  it(
    "opens from the lesson's link, works by keyboard, and gains pods as the learner scales in the terminal",
    async () => {
      await student.goto(`/ko/lessons/${LESSON}`);
      await startLab(student, FIRST_START_MS);
      const toggle = student.locator('[data-testid="picture-toggle"]');
      expect(await toggle.evaluate((el) => el.tagName)).toBe("BUTTON");
      expect(await toggle.getAttribute("aria-expanded")).toBe("false");
      expect(await toggle.textContent()).toBe("클러스터 현황");

      // The lesson's pointer opens it.
      const link = student.locator('[data-testid="watch-cluster"]');
      expect(await link.textContent()).toContain("이전 레플리카셋이 줄어드는 모습");
      await link.click();
      await expect.poll(() => toggle.getAttribute("aria-expanded"), { timeout: ANSWER_MS }).toBe("true");
      const picture = '#lab-cluster-picture';
      await expect.poll(() => student.getAttribute(picture, "data-status"), { timeout: ANSWER_MS, interval: 200 }).toBe("live");
      expect(await student.getAttribute(picture, "data-read-only")).toBe("false");

      // Keyboard: the toggle closes and opens with Enter and Space.
      await toggle.focus();
      await student.keyboard.press("Enter");
      await expect.poll(() => student.locator(picture).count()).toBe(0);
      await student.keyboard.press(" ");
      await expect.poll(() => student.getAttribute(picture, "data-status"), { timeout: ANSWER_MS, interval: 200 }).toBe("live");
      expect(await toggle.getAttribute("aria-controls")).toBe("lab-cluster-picture");
      // The region is reachable by Tab (it scrolls), and its lists are named.
      expect(await student.getAttribute(picture, "tabindex")).toBe("0");
      expect(await student.locator(`${picture} ul[aria-label="네임스페이스별 오브젝트"]`).count()).toBe(1);

      await waitForShell(student, ANSWER_MS);
      await typeLine(student, "kubectl create deployment web --image=nginx --replicas=1");
      await expect.poll(() => podsOf(student, picture, "web"), { timeout: ANSWER_MS, interval: 200 }).toHaveLength(1);
      await typeLine(student, "kubectl scale deployment web --replicas=3");
      await expect.poll(() => podsOf(student, picture, "web"), { timeout: ANSWER_MS, interval: 200 }).toHaveLength(3);
      const names = await podsOf(student, picture, "web");
      expect(names.every((n) => n?.startsWith("web-"))).toBe(true);
      // kwok runs them: Running and ready, said in Korean words with the Kubernetes docs' terms.
      const web = student.locator(`${picture} [data-testid="picture-deployment"][data-name="web"]`);
      await expect.poll(() => web.locator('[data-testid="picture-pod"][data-ready="true"]').count(), { timeout: ANSWER_MS, interval: 200 }).toBe(3);
      // The deployment's own count follows its pods a moment later (the controller writes its status after the kubelet's).
      await expect.poll(async () => (await web.textContent()) ?? "", { timeout: ANSWER_MS, interval: 200 }).toContain("준비 3/3");
      const text = (await web.textContent()) ?? "";
      expect(text).toContain("디플로이먼트");
      expect(text).toContain("레플리카셋");
      expect(text).toContain("파드");
      expect(text).toContain("실행 중");
      expect(text).toContain("준비 3/3");
      expect(await student.locator(`${picture} [data-testid="picture-namespace"][data-name="kube-system"]`).count()).toBe(0);

      // Dark theme and reduced motion, as the learner's browser asked.
      const looks = await student.locator(`${picture} [data-testid="picture-pod"]`).first().evaluate((el) => {
        const box = el.closest(".picture")!;
        return { background: getComputedStyle(box).backgroundColor, animation: getComputedStyle(el).animationName };
      });
      expect(looks.background).toBe("rgb(15, 20, 27)");
      expect(looks.animation).toBe("none");
    },
    FIRST_START_MS + 120_000,
  );

  it(
    "opens read-only in the instructor's learner panel and follows the learner's next change",
    async () => {
      await teacher.reload();
      await teacher.locator('[data-testid="learner-row"]', { hasText: learner.name }).locator('[data-testid="learner-open"]').click();
      const panel = '[data-testid="learner-detail"]';
      const open = teacher.locator(`${panel} [data-testid="learner-picture-toggle"]`);
      await open.waitFor({ timeout: ANSWER_MS });
      expect(await open.getAttribute("aria-expanded")).toBe("false");
      await open.click();
      const picture = `${panel} [data-testid="cluster-picture"]`;
      await expect.poll(() => teacher.getAttribute(picture, "data-status"), { timeout: ANSWER_MS, interval: 200 }).toBe("live");
      expect(await teacher.getAttribute(picture, "data-read-only")).toBe("true");
      expect(await teacher.locator(`${picture} button, ${picture} input`).count()).toBe(0);
      expect(await teacher.textContent(`${picture} .picture-badge`)).toBe("read-only");
      await expect.poll(() => podsOf(teacher, picture, "web"), { timeout: ANSWER_MS, interval: 200 }).toHaveLength(3);

      await typeLine(student, "kubectl scale deployment web --replicas=4");
      await expect.poll(() => podsOf(teacher, picture, "web"), { timeout: ANSWER_MS, interval: 200 }).toHaveLength(4);
      await expect.poll(() => podsOf(student, "#lab-cluster-picture", "web"), { timeout: ANSWER_MS, interval: 200 }).toHaveLength(4);
      expect(await teacher.textContent(picture)).toContain("Deployment");
    },
    ANSWER_MS * 4,
  );
});
