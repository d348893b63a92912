// A server restart in the middle of a class: the learner's lab keeps running, the server
// adopts it again when it comes back, and the open page (never reloaded) reconnects its lab
// view, its terminal and its live checks by itself; what the learner does next is stored.
// This file runs a server of its own, so it can stop and start it on the same port and data.
import { randomBytes } from "node:crypto";
import Docker from "dockerode";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../support/browser";
import { removeInstallationLabs, requireDockerAndImage, runningLabsOf } from "../support/docker";
import { EXERCISE_FIXTURE, makeContentDir } from "../support/fixture-content";
import { startLab, TERMINAL, waitForShell } from "../support/lab-page";
import { freePort, type RunningServer, startServer } from "../support/server";

const LESSON = "98-exercise-fixture";
const FIRST_START_MS = 150_000;
const ANSWER_MS = 45_000;
const installation = `rst${randomBytes(4).toString("hex")}`;

let docker: Docker;
let server: RunningServer;
let env: Record<string, string>;
let port: number;
let browser: Browser;
let page: Page;

const card = '[data-testid="exercise"][data-exercise-id="scale-web"]';
const terminal = TERMINAL;
const attr = (selector: string, name: string) => page.getAttribute(selector, name);
const labs = async () =>
  (await runningLabsOf(installation, { pool: false })).map((c) => c.Id);

const waitForPrompt = () => waitForShell(page, ANSWER_MS);

beforeAll(async () => {
  docker = await requireDockerAndImage();
  const content = makeContentDir("restart", { lessons: { [LESSON]: EXERCISE_FIXTURE } });
  env = {
    KUBELAB_CONTENT_DIR: content,
    KUBELAB_SECRET: `restart-${randomBytes(24).toString("hex")}`,
    KUBELAB_INSTALLATION_ID: installation,
    KUBELAB_POOL_SIZE: "0",
  };
  port = await freePort();
  server = await startServer(env, { port });
  browser = await launchBrowser();
  const context = await browser.newContext({ baseURL: server.baseURL, viewport: { width: 1400, height: 900 } });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await removeInstallationLabs(installation);
});

describe("a server restart in the middle of a class", { timeout: 120_000 }, () => {
  let labBefore: string[];

  it(
    "a learner is working in a lab when the server goes away",
    async () => {
      await page.goto(`/en/lessons/${LESSON}`);
      await startLab(page, FIRST_START_MS);
      await expect.poll(() => page.isVisible('[data-testid="exercise-live"]'), { timeout: ANSWER_MS }).toBe(true);
      labBefore = await labs();
      expect(labBefore).toHaveLength(1);

      await server.stop();
      // The page notices: the terminal is no longer attached.
      await expect.poll(() => attr(terminal, "data-terminal-state"), { timeout: ANSWER_MS, interval: 200 }).not.toBe("attached");
      // The lab outlives the server.
      expect(await labs()).toEqual(labBefore);
    },
    FIRST_START_MS + 60_000,
  );

  it("comes back on the same lab, and the page reconnects without a reload", async () => {
    server = await startServer(env, { port, dataDir: server.dataDir });
    await page.evaluate(() => ((window as unknown as { kubelabNoReload: boolean }).kubelabNoReload = true));
    await waitForPrompt();
    expect(await labs()).toEqual(labBefore);
    await expect.poll(() => page.isVisible('[data-testid="exercise-live"]'), { timeout: ANSWER_MS }).toBe(true);

    await page.click(terminal);
    await page.keyboard.type("kubectl scale deployment web --replicas=3");
    await page.keyboard.press("Enter");
    await expect.poll(() => attr(card, "data-done"), { timeout: ANSWER_MS, interval: 250 }).toBe("true");
    expect(await page.evaluate(() => (window as unknown as { kubelabNoReload?: boolean }).kubelabNoReload)).toBe(true);
  });

  it("kept what the learner did after the restart", async () => {
    await page.reload();
    await expect.poll(() => attr(card, "data-done"), { timeout: ANSWER_MS, interval: 200 }).toBe("true");
  });
});
