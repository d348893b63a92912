// A dockerd restart in the middle of a class (an upgrade, a crash): the real engine is stopped
// and started again the way the set-up starts it (sandbox/host/ensure-docker.sh), while a
// learner works in a lab. Before issue 12 the culler took the first failed poll for a dead
// lab and removed it, and the learner's terminal showed "exited" for good. Now the lab keeps
// running (live-restore), the server waits for the engine instead of ending labs, and the
// open page reconnects its terminal by itself to the same lab, where the cluster still has
// what the learner made; nothing recorded is lost.
//
// This stops the host's shared Docker engine for a few seconds (every Docker call on the host
// fails meanwhile), so it runs as root, keeps the outage short, and always leaves dockerd
// running, even when it fails.
import { randomBytes } from "node:crypto";
import Docker from "dockerode";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LABEL } from "@/sandbox/providers/types";
import { launchBrowser } from "../support/browser";
import { removeInstallationLabs, requireDockerAndImage, runningLabsOf } from "../support/docker";
import { ensureDocker, restartDockerd } from "../support/dockerd";
import { EXERCISE_FIXTURE, makeContentDir } from "../support/fixture-content";
import { screen, startLab, TERMINAL, terminalState, waitForShell } from "../support/lab-page";
import { type RunningServer, startServer } from "../support/server";

const LESSON = "98-exercise-fixture";
const FIRST_START_MS = 150_000;
const ANSWER_MS = 60_000;
/** How long the engine stays away: several of the server's lab checks (every 2 s here), well under 20 s. */
const OUTAGE_MS = 8_000;
const installation = `dkr${randomBytes(4).toString("hex")}`;

let docker: Docker;
let server: RunningServer;
let browser: Browser;
let page: Page;

const card = '[data-testid="exercise"][data-exercise-id="scale-web"]';
const attr = (selector: string, name: string) => page.getAttribute(selector, name);
const labs = async () =>
  (await runningLabsOf(installation)).map((c) => ({ id: c.Id, sandbox: c.Labels[LABEL.sandbox] }));

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error("this test restarts dockerd, so it must run as root (as `npm test` does in CI)");
  // The set-up's own step: an engine with live-restore on.
  await ensureDocker();
  docker = await requireDockerAndImage();
  expect((await docker.info()).LiveRestoreEnabled).toBe(true);
  const content = makeContentDir("dockerd", { lessons: { [LESSON]: EXERCISE_FIXTURE } });
  server = await startServer({
    KUBELAB_CONTENT_DIR: content,
    KUBELAB_SECRET: `dockerd-${randomBytes(24).toString("hex")}`,
    KUBELAB_INSTALLATION_ID: installation,
    KUBELAB_POOL_SIZE: "0",
    // Labs are checked every 2 s, so several checks fall inside the outage.
    KUBELAB_CULL_INTERVAL_SEC: "2",
  });
  browser = await launchBrowser();
  page = await (await browser.newContext({ baseURL: server.baseURL, viewport: { width: 1400, height: 900 } })).newPage();
});

afterAll(async () => {
  // Whatever happened above, the host's engine runs again.
  await ensureDocker().catch(() => undefined);
  await browser?.close();
  await server?.stop();
  await removeInstallationLabs(installation);
});

describe("a dockerd restart in the middle of a class", { timeout: 180_000 }, () => {
  let before: Array<{ id: string; sandbox: string | undefined }>;

  it(
    "a learner has passed an exercise and made something in the cluster",
    async () => {
      await page.goto(`/en/lessons/${LESSON}`);
      await startLab(page, FIRST_START_MS);
      await page.click(TERMINAL);
      await page.keyboard.type("kubectl scale deployment web --replicas=3 && kubectl create configmap kept-across --from-literal=a=1");
      await page.keyboard.press("Enter");
      await expect.poll(() => attr(card, "data-done"), { timeout: ANSWER_MS, interval: 250 }).toBe("true");
      before = await labs();
      expect(before).toHaveLength(1);
    },
    FIRST_START_MS + 60_000,
  );

  it("the lab survives the restart, and the terminal comes back by itself to the same cluster", async () => {
    await page.evaluate(() => ((window as unknown as { kubelabNoReload: boolean }).kubelabNoReload = true));
    await restartDockerd(OUTAGE_MS);
    // Health: the engine answers again, and the server says so.
    await expect.poll(async () => ((await (await fetch(`${server.baseURL}/api/health`)).json()) as { provider: { ok: boolean } }).provider.ok, { timeout: ANSWER_MS }).toBe(true);
    // The same container, with the same sandbox id, still running.
    expect(await labs()).toEqual(before);
    expect(await attr('[data-testid="lab-state"]', "data-state")).not.toBe("ended");
    // No reload, no button: the page reconnects its terminal to a new shell in the same lab.
    await expect.poll(() => terminalState(page), { timeout: ANSWER_MS, interval: 250 }).toBe("attached");
    await waitForShell(page, ANSWER_MS);
    await page.click(TERMINAL);
    await page.keyboard.type("kubectl get configmap kept-across -o name; kubectl get deployment web -o jsonpath='replicas={.spec.replicas}{\"\\n\"}'");
    await page.keyboard.press("Enter");
    await expect.poll(() => screen(page), { timeout: ANSWER_MS, interval: 250 }).toContain("configmap/kept-across");
    await expect.poll(() => screen(page), { timeout: ANSWER_MS, interval: 250 }).toContain("replicas=3");
    expect(await page.evaluate(() => (window as unknown as { kubelabNoReload?: boolean }).kubelabNoReload)).toBe(true);
    // Several lab checks ran while the engine was away; the lab is still the learner's.
    expect(await labs()).toEqual(before);
  });

  it("lost nothing the learner had recorded", async () => {
    await page.reload();
    await expect.poll(() => attr(card, "data-done"), { timeout: ANSWER_MS, interval: 200 }).toBe("true");
    await expect.poll(() => attr('[data-testid="lab-state"]', "data-state"), { timeout: ANSWER_MS, interval: 250 }).toBe("ready");
    expect(await labs()).toEqual(before);
  });
});
