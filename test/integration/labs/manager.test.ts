// The sandbox manager on the real Docker engine with real lab containers: warm pool,
// capacity and queue, reconcile after a restart, culling, and a lab killed from outside.
import { randomBytes } from "node:crypto";
import pino from "pino";
import type Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/prisma/generated/client";
import { LabManager, type ManagerConfig } from "@/sandbox/manager/manager";
import { createLabMetrics } from "@/sandbox/manager/metrics";
import type { LabView } from "@/sandbox/manager/view";
import { DockerProvider } from "@/sandbox/providers/docker";
import { LABEL } from "@/sandbox/providers/types";
import { freshDatabase } from "../../support/database";
import { TEST_MANAGER_DEFAULTS } from "../../support/lab-manager";
import { LAB_IMAGE, requireDockerAndImage } from "../../support/docker";
import { until } from "../../support/until";

const log = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
const installationId = `it${randomBytes(4).toString("hex")}`;
let docker: Docker;
let db: PrismaClient;
let provider: DockerProvider;
const managers: LabManager[] = [];

const config: ManagerConfig = { ...TEST_MANAGER_DEFAULTS, poolSize: 1, capacity: 2 };

async function newManager(overrides: Partial<ManagerConfig> = {}) {
  const m = new LabManager(provider, db, { ...config, ...overrides }, log, createLabMetrics());
  managers.push(m);
  await m.init();
  return m;
}


async function user(): Promise<string> {
  return (await db.user.create({ data: {} })).id;
}

async function labContainers(): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`${LABEL.installation}=${installationId}`] } });
}

const isReady = (v: LabView) => v.state === "ready";
const statusCount = async (status: string) => db.sandbox.count({ where: { status } });

beforeAll(async () => {
  docker = await requireDockerAndImage();
  ({ db } = freshDatabase());
  provider = new DockerProvider({ installationId, version: "it", image: LAB_IMAGE, memoryBytes: 512 * 1024 * 1024 });
});

afterAll(async () => {
  for (const m of managers) await m.close();
  provider?.close();
  for (const c of await labContainers().catch(() => [])) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  await db?.$disconnect();
});

describe("sandbox manager on Docker", () => {
  let manager: LabManager;
  let alice: string;
  let bob: string;
  let carol: string;
  let dave: string;

  it("fills the warm pool and hands a pooled lab to the first learner at once", async () => {
    manager = await newManager();
    await until("a pooled lab", () => statusCount("pooled"), (n) => n === 1);
    alice = await user();
    const readyFor: Array<[string, string]> = [];
    const off = manager.onReadyFor((userId, sandboxId) => readyFor.push([userId, sandboxId]));
    const view = await manager.request(alice);
    off();
    // Claimed from the pool: ready in the same call, no waiting, and said so (the terminal opens her shell).
    expect(view.state).toBe("ready");
    expect(readyFor).toEqual([[alice, (view as { sandboxId: string }).sandboxId]]);
    const [container] = (await labContainers()).filter((c) => c.State === "running");
    expect(container?.Labels[LABEL.managed]).toBe("true");
    expect(container?.Labels[LABEL.profile]).toBe("sim");
    // The pool refills behind her.
    await until("the pool to refill", () => statusCount("pooled"), (n) => n === 1);
  });

  it("is idempotent: a second start returns the same lab", async () => {
    const first = await manager.request(alice);
    const again = await Promise.all([manager.request(alice), manager.request(alice)]);
    expect(again.map((v) => (v as { sandboxId?: string }).sandboxId)).toEqual([(first as { sandboxId: string }).sandboxId, (first as { sandboxId: string }).sandboxId]);
    expect(await db.sandbox.count({ where: { userId: alice, status: { in: ["starting", "ready"] } } })).toBe(1);
  });

  it("queues learners beyond capacity and tells each their place", async () => {
    bob = await user();
    carol = await user();
    dave = await user();
    expect((await manager.request(bob)).state).toBe("ready"); // the refilled pooled lab
    expect(await manager.request(carol)).toEqual({ state: "queued", position: 1, queueLength: 1 });
    expect(await manager.request(dave)).toEqual({ state: "queued", position: 2, queueLength: 2 });
    expect(await manager.view(carol)).toEqual({ state: "queued", position: 1, queueLength: 2 });
    // With capacity full the pool does not take a place a queued learner could use.
    expect(await statusCount("warming")).toBe(0);
  });

  it("admits the first in line when a lab ends, and the others move up", async () => {
    const changes: number[] = [];
    const readyFor: Array<[string, string]> = [];
    const offReady = manager.onReadyFor((userId, sandboxId) => readyFor.push([userId, sandboxId]));
    const off = manager.subscribe(dave, () => changes.push(Date.now()));
    await manager.stop(alice);
    expect(await manager.view(dave)).toEqual({ state: "queued", position: 1, queueLength: 1 });
    expect(changes.length).toBeGreaterThan(0);
    off();
    const carolLab = await until("carol's lab", () => manager.view(carol), isReady);
    expect(carolLab.state).toBe("ready");
    // Booted for her: said so once it was up.
    expect(await until("her lab said ready", () => readyFor, (r) => r.length > 0)).toEqual([[carol, (carolLab as { sandboxId: string }).sandboxId]]);
    offReady();
  });

  it("re-adopts running labs and removes orphans after a server restart", async () => {
    const bobBefore = await manager.view(bob);
    await manager.close();
    // An orphan: a container with our labels that the database does not know.
    const orphan = await provider.start({ sandboxId: "orphan-lab", profile: "sim", ownerId: null });
    manager = await newManager();
    expect(await manager.view(bob)).toEqual(bobBefore);
    expect(await provider.poll(orphan)).toBe("missing");
    const ids = (await labContainers()).map((c) => c.Labels[LABEL.sandbox]);
    expect(ids).not.toContain("orphan-lab");
  });

  it("ends labs idle past the timeout and labs past the maximum age", async () => {
    await manager.cull(Date.now() + config.idleTimeoutMs + 60_000);
    const bobView = await manager.view(bob);
    expect(bobView, JSON.stringify(await db.sandbox.findMany({ where: { userId: bob } }))).toMatchObject({ state: "ended", reason: "idle" });
    // Dave queued before the restart; he keeps his place and gets bob's.
    await until("dave's lab", () => manager.view(dave), isReady);
    await manager.cull(Date.now() + config.maxAgeMs + 60_000);
    expect(await manager.view(dave)).toMatchObject({ state: "ended", reason: "max-age" });
    // Carol had been idle just as long, so the first pass ended hers too.
    expect(await manager.view(carol)).toMatchObject({ state: "ended", reason: "idle" });
  });

  it("notices a lab killed from outside, lets its learner start again, and leaves other labs alone", async () => {
    const erin = await user();
    const frank = await user();
    const erinLab = await until("erin's lab", () => manager.request(erin), isReady);
    const frankLab = await until("frank's lab", () => manager.request(frank), isReady);
    const erinContainer = (await labContainers()).find((c) => c.Labels[LABEL.sandbox] === (erinLab as { sandboxId: string }).sandboxId)!;
    await docker.getContainer(erinContainer.Id).kill();
    const ended = await until("erin's lab to be reported dead", () => manager.view(erin), (v) => v.state === "ended", 30_000);
    expect(ended).toMatchObject({ reason: "died" });
    expect(await manager.view(frank)).toEqual(frankLab);
    const again = await until("erin's new lab", () => manager.request(erin), isReady);
    expect((again as { sandboxId: string }).sandboxId).not.toBe((erinLab as { sandboxId: string }).sandboxId);
  });
});

describe("the warm pool when many events ask for a refill at once", () => {
  it("starts only the missing labs (a restart ending dead labs asks once per lab)", async () => {
    // A database and installation of its own, so the first manager's reconcile never sees these labs.
    const { db: own } = freshDatabase();
    const ownProvider = new DockerProvider({ installationId: `${installationId}p`, version: "it", image: LAB_IMAGE, memoryBytes: 512 * 1024 * 1024 });
    const m = new LabManager(ownProvider, own, { ...config, poolSize: 2, capacity: 4 }, log, createLabMetrics());
    managers.push(m);
    try {
      await m.init();
      await Promise.all(Array.from({ length: 5 }, () => m.refillPool()));
      const poolRows = () => own.sandbox.count({ where: { userId: null, status: { in: ["warming", "pooled"] } } });
      expect(await poolRows()).toBe(2);
      await until("the pool to be warm", () => own.sandbox.count({ where: { status: "pooled" } }), (n) => n === 2);
      await Promise.all(Array.from({ length: 5 }, () => m.refillPool()));
      expect(await poolRows()).toBe(2);
      expect((await docker.listContainers({ all: true, filters: { label: [`${LABEL.installation}=${installationId}p`] } })).length).toBe(2);
    } finally {
      await m.close();
      for (const c of await docker.listContainers({ all: true, filters: { label: [`${LABEL.installation}=${installationId}p`] } })) {
        await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
      }
      ownProvider.close();
      await own.$disconnect();
    }
  });
});

describe("the place of a lab that died", () => {
  it("stays its learner's while others queue, their Start again goes ahead, and the queue gets it once the hold is over", async () => {
    // A database and installation of their own, at capacity 1 with nobody pooled: one place, and a queue behind it.
    const { db: own } = freshDatabase();
    const installation = `${installationId}d`;
    const ownProvider = new DockerProvider({ installationId: installation, version: "it", image: LAB_IMAGE, memoryBytes: 512 * 1024 * 1024 });
    const held = { ...config, poolSize: 0, capacity: 1, diedLabHoldMs: 10 * 60_000 };
    let m = new LabManager(ownProvider, own, held, log, createLabMetrics());
    managers.push(m);
    const containerOf = async (sandboxId: string) =>
      (await docker.listContainers({ all: true, filters: { label: [`${LABEL.installation}=${installation}`, `${LABEL.sandbox}=${sandboxId}`] } }))[0]!;
    const newUser = async () => (await own.user.create({ data: {} })).id;
    try {
      await m.init();
      const erin = await newUser();
      const frank = await newUser();
      const first = (await until("erin's lab", () => m.request(erin), isReady)) as { sandboxId: string };
      expect(await m.request(frank)).toEqual({ state: "queued", position: 1, queueLength: 1 });

      await docker.getContainer((await containerOf(first.sandboxId)).Id).kill();
      const ended = await until("erin's lab to be reported dead", () => m.view(erin), (v) => v.state === "ended", 30_000);
      expect(ended).toMatchObject({ state: "ended", reason: "died" });
      // The panel says how long the place stays hers.
      expect((ended as { placeHeldSeconds?: number }).placeHeldSeconds).toBeGreaterThan(9 * 60);
      // The place did not go to the queue: frank still waits first in line, with no lab made for him.
      expect(await m.view(frank)).toEqual({ state: "queued", position: 1, queueLength: 1 });
      expect(await own.sandbox.count({ where: { userId: frank, status: { not: "queued" } } })).toBe(0);

      // Her Start again goes ahead of the queue, into her place.
      const again = await m.request(erin);
      expect(again.state).toBe("starting");
      const second = (await until("erin's new lab", () => m.view(erin), isReady)) as { sandboxId: string };
      expect(second.sandboxId).not.toBe(first.sandboxId);
      expect(await m.view(frank)).toEqual({ state: "queued", position: 1, queueLength: 1 });

      // Her new lab dies too, and this time she does not come back: once the hold is over, the
      // queue has the place (a server whose hold is 1 ms stands for the time having passed).
      await docker.getContainer((await containerOf(second.sandboxId)).Id).kill();
      await until("erin's second lab to be reported dead", () => m.view(erin), (v) => v.state === "ended", 30_000);
      expect(await m.view(frank)).toMatchObject({ state: "queued" });
      await m.close();
      m = new LabManager(ownProvider, own, { ...held, diedLabHoldMs: 1 }, log, createLabMetrics());
      managers.push(m);
      await m.init();
      expect((await until("frank's lab", () => m.view(frank), isReady)).state).toBe("ready");
      expect(await m.view(erin)).toMatchObject({ state: "ended", reason: "died" });
      expect((await m.view(erin)) as object).not.toHaveProperty("placeHeldSeconds");
    } finally {
      await m.close();
      for (const c of await docker.listContainers({ all: true, filters: { label: [`${LABEL.installation}=${installation}`] } })) {
        await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
      }
      ownProvider.close();
      await own.$disconnect();
    }
  });
});
