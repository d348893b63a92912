// A learner's lab container is killed in the middle of a class (the host's OOM killer, an
// operator's `docker kill`, a crash): the one fault a lab does not survive. The open page must
// say so in the learner's language and offer a new lab, the new lab must work, and what the
// learner had recorded before stays recorded. The kill is a real `docker kill` (SIGKILL) of the
// real lab container.
import { randomBytes } from "node:crypto";
import Docker from "dockerode";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import en from "@/app/_lib/i18n/messages/en.json";
import ko from "@/app/_lib/i18n/messages/ko.json";
import { launchBrowser } from "../support/browser";
import { removeInstallationLabs, requireDockerAndImage, runningLabsOf } from "../support/docker";
import { EXERCISE_FIXTURE, makeContentDir } from "../support/fixture-content";
import { startLab, TERMINAL } from "../support/lab-page";
import { type RunningServer, startServer } from "../support/server";

const LESSON = "98-exercise-fixture";
const FIRST_START_MS = 150_000;
const ANSWER_MS = 60_000;
const installation = `kil${randomBytes(4).toString("hex")}`;

let docker: Docker;
let server: RunningServer;
let browser: Browser;
let page: Page;

const card = '[data-testid="exercise"][data-exercise-id="scale-web"]';
const attr = (selector: string, name: string) => page.getAttribute(selector, name);
const labs = async () =>
  (await runningLabsOf(installation, { pool: false })).map((c) => c.Id);

beforeAll(async () => {
  docker = await requireDockerAndImage();
  const content = makeContentDir("killed", { lessons: { [LESSON]: EXERCISE_FIXTURE } });
  server = await startServer({
    KUBELAB_CONTENT_DIR: content,
    KUBELAB_SECRET: `killed-${randomBytes(24).toString("hex")}`,
    KUBELAB_INSTALLATION_ID: installation,
    KUBELAB_POOL_SIZE: "0",
  });
  browser = await launchBrowser();
  page = await (await browser.newContext({ baseURL: server.baseURL, viewport: { width: 1400, height: 900 }, locale: "ko-KR" })).newPage();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await removeInstallationLabs(installation);
});

describe("a learner's lab container is killed during class", { timeout: 120_000 }, () => {
  let first: string[];

  it(
    "a learner passes an exercise in a lab",
    async () => {
      await page.goto(`/ko/lessons/${LESSON}`);
      await startLab(page, FIRST_START_MS);
      await page.click(TERMINAL);
      await page.keyboard.type("kubectl scale deployment web --replicas=3");
      await page.keyboard.press("Enter");
      await expect.poll(() => attr(card, "data-done"), { timeout: ANSWER_MS, interval: 250 }).toBe("true");
      first = await labs();
      expect(first).toHaveLength(1);
    },
    FIRST_START_MS + 2 * ANSWER_MS,
  );

  it("is told, in Korean, that the lab stopped unexpectedly, and offered a new one", async () => {
    await docker.getContainer(first[0]!).kill({ signal: "SIGKILL" });
    await expect.poll(() => attr('[data-testid="lab-state"]', "data-state"), { timeout: ANSWER_MS, interval: 250 }).toBe("ended");
    const panel = page.locator('[data-testid="lab-state"]');
    await expect.poll(() => panel.innerText(), { timeout: ANSWER_MS }).toContain(ko.Lab.ended.died.title);
    expect(await panel.innerText()).toContain(ko.Lab.ended.died.body);
    // Not the English words, and not another reason's.
    expect(await panel.innerText()).not.toContain(en.Lab.ended.died.title);
    // Its place on the server stays hers for the hold (KUBELAB_DIED_LAB_HOLD_SEC, 3 minutes by default).
    const held = await page.locator('[data-testid="lab-place-held"]').innerText();
    expect(held).toMatch(/^앞으로 [23]분 동안/);
    expect(await page.isVisible('[data-testid="lab-start"]')).toBe(true);
  });

  it("gets a working new lab from the offer, and the earlier pass is still recorded", async () => {
    await startLab(page, FIRST_START_MS);
    const now = await labs();
    expect(now).toHaveLength(1);
    expect(now[0]).not.toBe(first[0]);
    await page.reload();
    await expect.poll(() => attr(card, "data-done"), { timeout: ANSWER_MS, interval: 250 }).toBe("true");
  }, FIRST_START_MS + 2 * ANSWER_MS);
});
