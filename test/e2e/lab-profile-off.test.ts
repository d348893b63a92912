// A lesson whose lab needs real pods (`lab: node`) on a server whose operator has not turned
// node labs on (KUBELAB_NODE_LABS unset, the default): Start must say so in the learner's
// language and name the operator's setting, instead of starting a lab that can only fail.
// A real server (production build) and Debian's Chromium; no lab is started, and the test
// checks that none was.
import { randomBytes } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import en from "@/app/_lib/i18n/messages/en.json";
import ko from "@/app/_lib/i18n/messages/ko.json";
import { launchBrowser } from "../support/browser";
import { removeInstallationLabs, requireDockerAndImage, runningLabsOf } from "../support/docker";
import { makeContentDir, NODE_FIXTURE } from "../support/fixture-content";
import { type RunningServer, startServer } from "../support/server";

const LESSON = "97-node-fixture";
const installation = `npo${randomBytes(4).toString("hex")}`;
const ANSWER_MS = 30_000;

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  await requireDockerAndImage();
  const content = makeContentDir("profile-off", { lessons: { [LESSON]: NODE_FIXTURE } });
  const env: Record<string, string> = {
    KUBELAB_CONTENT_DIR: content,
    KUBELAB_SECRET: `profile-off-${randomBytes(24).toString("hex")}`,
    KUBELAB_INSTALLATION_ID: installation,
    KUBELAB_POOL_SIZE: "0",
  };
  // Node labs off, whatever the caller's environment says.
  server = await startServer({ ...env, KUBELAB_NODE_LABS: "off" });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await removeInstallationLabs(installation);
});

async function pressStart(locale: "en" | "ko"): Promise<Page> {
  const page = await (await browser.newContext({ baseURL: server.baseURL, viewport: { width: 1400, height: 900 } })).newPage();
  await page.goto(`/${locale}/lessons/${LESSON}`);
  await page.click('[data-testid="lab-start"]');
  await page.waitForSelector('[data-testid="lab-profile-unavailable"]', { timeout: ANSWER_MS });
  return page;
}

describe("a node lesson on a server with node labs off", () => {
  it("tells the learner in English that the lesson needs real pods and names the operator's setting", async () => {
    const page = await pressStart("en");
    const panel = await page.locator('[data-testid="lab-state"]').innerText();
    expect(panel).toContain(en.LabProfileUnavailable.title);
    expect(panel).toContain(en.LabProfileUnavailable.body);
    expect(panel).toContain("KUBELAB_NODE_LABS=unsafe-sys-admin");
    expect(await page.getAttribute('[data-testid="lab-state"]', "data-state")).toBe("none");
    // Not the generic failure of a lab that started and died, and no Start that would only fail again.
    expect(panel).not.toContain(en.Lab.ended.failed.title);
    expect(await page.isVisible('[data-testid="lab-start"]')).toBe(false);
    await page.context().close();
  });

  it("says the same in Korean", async () => {
    const page = await pressStart("ko");
    const panel = await page.locator('[data-testid="lab-state"]').innerText();
    expect(panel).toContain(ko.LabProfileUnavailable.title);
    expect(panel).toContain(ko.LabProfileUnavailable.body);
    expect(panel).toContain("KUBELAB_NODE_LABS=unsafe-sys-admin");
    expect(panel).not.toContain(en.LabProfileUnavailable.title);
    await page.context().close();
  });

  it("started no lab container for either learner", async () => {
    expect(await runningLabsOf(installation)).toEqual([]);
  });
});
