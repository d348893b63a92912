// A learner whose lab is of the other profile than the open lesson needs (issue 14, item 5),
// in Debian's Chromium against the production server with node labs on and a warm pool of
// each profile. They start a simulated lab on a sim lesson, open a lesson whose lab runs real
// pods, read in Korean what is wrong and what switching costs, switch, and get a lab with a
// real kubelet: the warm node lab, made before they asked, while their simulated lab and its
// container are gone. Back on the sim lesson the panel offers the way back, in English.
import { randomBytes } from "node:crypto";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import en from "@/app/_lib/i18n/messages/en.json";
import ko from "@/app/_lib/i18n/messages/ko.json";
import { sqliteClient } from "@/app/_lib/db/create";
import { LABEL } from "@/sandbox/providers/types";
import { launchBrowser } from "../support/browser";
import { removeInstallationLabs, requireDockerAndImage, runningLabsOf } from "../support/docker";
import { PROFILE_FIXTURE_LESSONS, twoProfileContent } from "../support/fixture-content";
import { closeLabPage, labState, screen, startLab, typeLine, waitForShell } from "../support/lab-page";
import { NODE_LAB_IMAGE, requireNodeImage } from "../support/node-lab";
import { type RunningServer, startServer } from "../support/server";

const SIM_LESSON = PROFILE_FIXTURE_LESSONS.sim;
const NODE_LESSON = PROFILE_FIXTURE_LESSONS.node;
const installation = `psw${randomBytes(4).toString("hex")}`;
/** A cold node lab on a loaded 2-core host, and the pool's first boots. */
const BOOT_MS = 240_000;
const ANSWER_MS = 90_000;
const SWITCH = '[data-testid="lab-profile-switch"]';

let server: RunningServer;
let browser: Browser;
let page: Page;

async function query<T>(read: (db: ReturnType<typeof sqliteClient>) => Promise<T>): Promise<T> {
  const db = sqliteClient(path.join(server.dataDir, "kubelab.db"));
  try {
    return await read(db);
  } finally {
    await db.$disconnect();
  }
}

/** The warm labs of one profile that nobody has claimed yet, as the server's table has them. */
const warmLabs = (profile: "sim" | "node") => query((db) => db.sandbox.count({ where: { status: "pooled", profile, userId: null } }));

/** The learner's labs that have not ended (a claimed warm lab keeps its container's "pool" label, so the table says whose it is). */
const learnerLabs = () =>
  query((db) => db.sandbox.findMany({ where: { userId: { not: null }, status: { notIn: ["ended", "failed"] } }, select: { id: true, profile: true, createdAt: true } }));

/** Whether the container of a lab is still on the engine. */
const containerExists = async (sandboxId: string) => (await runningLabsOf(installation)).some((c) => c.Labels[LABEL.sandbox] === sandboxId);

/** Opens a lesson page and returns the text of the offer to switch, which must say which way. */
async function offerOn(url: string, mismatch: "needs-node" | "needs-sim"): Promise<string> {
  await page.goto(url);
  await page.waitForSelector(SWITCH, { timeout: ANSWER_MS });
  expect(await page.getAttribute(SWITCH, "data-mismatch")).toBe(mismatch);
  return page.locator(SWITCH).innerText();
}

beforeAll(async () => {
  await requireDockerAndImage();
  await requireNodeImage();
  const content = twoProfileContent("profile-switch");
  server = await startServer({
    KUBELAB_CONTENT_DIR: content,
    KUBELAB_SECRET: `profile-switch-${randomBytes(24).toString("hex")}`,
    KUBELAB_INSTALLATION_ID: installation,
    KUBELAB_NODE_LABS: "unsafe-sys-admin",
    KUBELAB_NODE_LAB_IMAGE: NODE_LAB_IMAGE,
    KUBELAB_POOL_SIZE: "1",
    KUBELAB_NODE_POOL_SIZE: "1",
  });
  browser = await launchBrowser();
  page = await (await browser.newContext({ baseURL: server.baseURL, viewport: { width: 1400, height: 900 } })).newPage();
}, BOOT_MS);

afterAll(async () => {
  await closeLabPage({ browser, page });
  await server?.stop();
  await removeInstallationLabs(installation);
});

describe("switching a lab to the profile the lesson needs", { timeout: BOOT_MS + ANSWER_MS }, () => {
  let simLab: string;

  it("keeps a node lab warm beside the sim pool", async () => {
    await expect.poll(() => warmLabs("node"), { timeout: BOOT_MS, interval: 1000 }).toBe(1);
    await expect.poll(() => warmLabs("sim"), { timeout: BOOT_MS, interval: 1000 }).toBe(1);
  });

  it("offers nothing on a lesson whose profile the lab already has", async () => {
    await page.goto(`/ko/lessons/${SIM_LESSON}`);
    await startLab(page, BOOT_MS);
    const mine = await learnerLabs();
    expect(mine.map((l) => l.profile)).toEqual(["sim"]);
    simLab = mine[0]!.id;
    expect(await containerExists(simLab)).toBe(true);
    expect(await page.locator(SWITCH).count()).toBe(0);
  });

  it("says in Korean that the node lesson needs real pods and what switching deletes", async () => {
    const offer = await offerOn(`/ko/lessons/${NODE_LESSON}`, "needs-node");
    expect(offer).toContain(ko.LabProfileSwitch["needs-node"].title);
    expect(offer).toContain(ko.LabProfileSwitch.loses);
    // The simulated lab is still there and usable until the learner chooses.
    expect(await labState(page)).toBe("ready");
    expect((await learnerLabs()).map((l) => l.id)).toEqual([simLab]);
  });

  it("switches to the warm node lab, whose kubelet is real, and removes the simulated one", async () => {
    const asked = Date.now();
    await page.click('[data-testid="lab-profile-switch-button"]');
    await expect.poll(async () => (await learnerLabs()).map((l) => l.profile), { timeout: BOOT_MS, interval: 500 }).toEqual(["node"]);
    await expect.poll(() => labState(page), { timeout: BOOT_MS, interval: 250 }).toBe("ready");
    await waitForShell(page, BOOT_MS);
    expect(await page.locator(SWITCH).count()).toBe(0);
    // The lab the learner got was made before they asked: the warm one.
    const [node] = await learnerLabs();
    expect(node!.createdAt.getTime()).toBeLessThan(asked);
    await expect.poll(() => containerExists(simLab), { timeout: ANSWER_MS, interval: 500 }).toBe(false);
    // A real kubelet answers (kwok's node reports no container runtime).
    await typeLine(page, "kubectl get node minikube -o jsonpath='{.status.nodeInfo.containerRuntimeVersion}{\"=runtime\\n\"}'");
    await expect.poll(() => screen(page), { timeout: ANSWER_MS, interval: 250 }).toMatch(/^containerd:\/\/\S+=runtime$/m);
  });

  it("offers the way back on a sim lesson, in English, as a choice", async () => {
    const offer = await offerOn(`/en/lessons/${SIM_LESSON}`, "needs-sim");
    expect(offer).toContain(en.LabProfileSwitch["needs-sim"].title);
    expect(offer).toContain(en.LabProfileSwitch.loses);
    expect(offer).not.toContain(ko.LabProfileSwitch["needs-sim"].title);
    expect(await labState(page)).toBe("ready");
  });
});
