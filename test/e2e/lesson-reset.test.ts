// "Start this lesson from a clean cluster" (issue 13, item 2), as a learner uses it in Debian's
// Chromium against the production server with a real lab. The learner is on lesson 5 with a
// cluster that holds what an earlier lesson left: a pod labelled app=storefront, the label
// lesson 5's quarantine exercise counts (lesson 4 used to leave exactly that). They press the
// button beside Reset, read a confirmation that says what goes (in Korean, and in English on
// the English page), confirm, and get lesson 5 as it starts: the stray pod gone, the lesson's
// setups made again (the Deployment storefront's three pods), what setups remember across a
// `minikube delete` forgotten, and their home directory and terminal kept.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openPage } from "../support/browser";
import { closeLabPage, labState as labStateOf, screen as screenOf, startLab, waitForShell } from "../support/lab-page";

const baseURL = inject("baseURL");
const LESSON = "05-deployments-and-replicasets";
/** Generous: the first start may have to wait for the warm pool to finish booting. */
const FIRST_START_MS = 150_000;
/** A command's answer or a reset with the lesson's setups; bounded, but roomy for a loaded 2-core host. */
const ANSWER_MS = 90_000;

let browser: Browser;
let context: BrowserContext;
let page: Page;

const labState = () => labStateOf(page);
const screen = () => screenOf(page);
const dialog = '[data-testid="lab-reset-lesson-dialog"]';

async function run(command: string): Promise<void> {
  await page.click('[data-testid="terminal"]');
  await page.keyboard.type(command);
  await page.keyboard.press("Enter");
}

/**
 * Runs a command between two marker lines and returns what it printed. The markers are
 * computed by the shell (S-36, E-42), so the echo of the typed line never matches them,
 * however the terminal wraps it.
 */
async function answer(command: string, marker: string): Promise<string> {
  await run(`echo ${marker}S-$((6*6)); ${command}; echo ${marker}E-$((6*7))`);
  const end = new RegExp(`^${marker}E-42$`, "m");
  await expect.poll(screen, { timeout: ANSWER_MS, interval: 250 }).toMatch(end);
  const text = await screen();
  const stop = text.search(end);
  const start = text.lastIndexOf(`\n${marker}S-36\n`, stop);
  expect(start, `no start marker before the end marker:\n${text}`).toBeGreaterThanOrEqual(0);
  return text.slice(start, stop);
}

/**
 * Remembers the text of the terminal's "preparing this lesson" notice if it ever shows: it is
 * up only while the lesson's setups run, which the test cannot time.
 */
async function notePreparingNotice(): Promise<void> {
  await page.evaluate(() => {
    const seen = window as unknown as { kubelabPreparingSeen?: string };
    new MutationObserver(() => {
      const notice = document.querySelector('[data-testid="terminal-preparing"]');
      if (notice && !seen.kubelabPreparingSeen) seen.kubelabPreparingSeen = notice.textContent?.trim();
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

beforeAll(async () => {
  ({ browser, context, page } = await openPage({ baseURL, viewport: { width: 1400, height: 900 } }));
});

afterAll(async () => {
  await closeLabPage({ browser, page });
});

describe("start this lesson from a clean cluster", { timeout: 180_000 }, () => {
  it(
    "is offered beside Reset once the lab runs",
    async () => {
      await page.goto(`/ko/lessons/${LESSON}`);
      expect(await page.locator('[data-testid="lab-reset-lesson"]').count()).toBe(0);
      await notePreparingNotice();
      await startLab(page, FIRST_START_MS);
      const button = page.locator('[data-testid="lab-reset-lesson"]');
      expect(await button.textContent()).toBe("레슨 새로 시작");
      expect(await button.getAttribute("title")).toBe("깨끗한 클러스터에서 이 레슨을 새로 시작합니다");
    },
    FIRST_START_MS + 30_000,
  );

  it("holds what the learner types while the lesson's setups run, then runs it after them", async () => {
    // Typed at once, at the first prompt: without the hold this reaches the shell while the
    // setup is still making storefront (NotFound, or fewer than 3 ready pods).
    const typedAtOnce = await answer("kubectl get deployment storefront -o jsonpath='{.status.readyReplicas}{\"\\n\"}'", "held");
    expect(typedAtOnce).toMatch(/^3$/m);
    expect(await page.evaluate(() => (window as unknown as { kubelabPreparingSeen?: string }).kubelabPreparingSeen)).toBe(
      "클러스터에 이 레슨을 준비하고 있습니다… 지금 입력한 내용은 준비가 끝나는 대로 실행됩니다.",
    );
    await expect.poll(() => page.locator('[data-testid="terminal-preparing"]').count(), { timeout: ANSWER_MS }).toBe(0);
    await expect.poll(() => page.locator('[data-testid="exercise-live"]').first().textContent(), { timeout: ANSWER_MS }).toContain("작업하는 동안 자동으로 확인 중");
  });

  it("asks first, saying what goes and what stays; Cancel changes nothing", async () => {
    // What an earlier lesson left, and things of the learner's own.
    await answer(
      "kubectl run stray --image=nginx:1.27 --labels=app=storefront && mkdir -p /tmp/kubelab-setup && touch /tmp/kubelab-setup/remembered && echo mine > ~/keep.txt",
      "made",
    );
    await page.click('[data-testid="lab-reset-lesson"]');
    await page.waitForSelector(dialog);
    const text = await page.textContent(dialog);
    expect(text).toContain("깨끗한 클러스터에서 이 레슨을 새로 시작하시겠습니까?");
    expect(text).toContain("클러스터에 있는 리소스가 모두 삭제됩니다");
    expect(text).toContain("앞선 레슨에서 만든 것도 포함됩니다");
    expect(text).toContain("홈 디렉터리의 파일과 터미널은 그대로 남습니다");
    await page.click('[data-testid="lab-reset-lesson-cancel"]');
    expect(await page.locator(dialog).count()).toBe(0);
    expect(await answer("kubectl get pods -l app=storefront -o name", "before")).toContain("pod/stray");
  });

  it("says the same in English on the English page", async () => {
    await page.goto(`/en/lessons/${LESSON}`);
    await expect.poll(labState, { timeout: ANSWER_MS, interval: 250 }).toBe("ready");
    await page.click('[data-testid="lab-reset-lesson"]');
    const text = await page.textContent(dialog);
    expect(text).toContain("Start this lesson from a clean cluster?");
    expect(text).toContain("Everything in your cluster is deleted, including what you made in this lesson and in earlier ones.");
    expect(text).toContain("Files in your home directory stay, and so does your terminal.");
    await page.click('[data-testid="lab-reset-lesson-cancel"]');
    await page.goto(`/ko/lessons/${LESSON}`);
    await expect.poll(labState, { timeout: ANSWER_MS, interval: 250 }).toBe("ready");
    await waitForShell(page, ANSWER_MS);
  });

  it("resets the cluster and prepares the lesson again, keeping the home directory and the terminal", async () => {
    await page.click('[data-testid="lab-reset-lesson"]');
    await page.click('[data-testid="lab-reset-lesson-confirm"]');
    // Resetting, then ready again once the lesson's setups ran.
    await expect.poll(labState, { timeout: ANSWER_MS, interval: 100 }).toBe("starting");
    await expect.poll(labState, { timeout: ANSWER_MS, interval: 250 }).toBe("ready");
    await waitForShell(page, ANSWER_MS);
    expect(await page.locator('[data-testid="lab-reset-lesson"]').isEnabled()).toBe(true);
    expect(await page.locator('.lab-error[role="alert"]').count()).toBe(0);

    // The stray pod is gone; the setup's Deployment storefront has its three pods, ready as
    // the setup left them (it waits for the rollout), so the quarantine exercise can count 3.
    const pods = await answer("kubectl get pods -l app=storefront -o name", "after");
    expect(pods).not.toContain("pod/stray");
    expect(pods.match(/^pod\/storefront-/gm)).toHaveLength(3);
    // Every other setup of the lesson ran too (fix-selector leaves api.yaml in the home directory).
    expect(await answer("kubectl get deployment storefront -o jsonpath='{.status.readyReplicas}{\"\\n\"}'; ls ~/api.yaml", "setup")).toMatch(/^3$[\s\S]*api\.yaml/m);
    // What setups remember across minikube delete is forgotten; the learner's own file stays.
    // (The lab's shell speaks the page's language, so the test asks for a word of its own.)
    const kept = await answer("test -e /tmp/kubelab-setup/remembered && echo still-there || echo forgotten; cat ~/keep.txt", "kept");
    expect(kept).toMatch(/^forgotten$/m);
    expect(kept).toMatch(/^mine$/m);
  });
});
