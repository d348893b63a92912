// Labs warmed for a class, on the real Docker engine with real lab containers: as many as the
// cohort's learners without a lab, but only within capacity (another learner's lab is never
// ended for it); a learner's Start claims one (the same container, already booted, or still
// booting); asking again, and again after a restart of the manager, warms nothing twice; a
// warmed lab nobody claimed is ended when its reservation runs out; a learner of no class
// cannot take a class's lab.
import { randomBytes } from "node:crypto";
import type Docker from "dockerode";
import pino from "pino";
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
const installationId = `cw${randomBytes(4).toString("hex")}`;
const KEY = "cohort:test-class";
let docker: Docker;
let db: PrismaClient;
let provider: DockerProvider;
const managers: LabManager[] = [];

const config: ManagerConfig = { ...TEST_MANAGER_DEFAULTS, poolSize: 0, capacity: 3 };

async function newManager(): Promise<LabManager> {
  const m = new LabManager(provider, db, config, log, createLabMetrics());
  managers.push(m);
  await m.init();
  return m;
}

const user = async () => (await db.user.create({ data: {} })).id;
const running = async () =>
  (await docker.listContainers({ all: true, filters: { label: [`${LABEL.installation}=${installationId}`] } })).filter((c) => c.State === "running");
const reservedRows = () => db.sandbox.findMany({ where: { reservedFor: KEY }, orderBy: { createdAt: "asc" } });
const containerOf = async (sandboxId: string) => JSON.parse((await db.sandbox.findUniqueOrThrow({ where: { id: sandboxId } })).providerState).ref as string;
const sandboxOf = (v: LabView) => ("sandboxId" in v ? v.sandboxId : undefined);

beforeAll(async () => {
  docker = await requireDockerAndImage();
  ({ db } = freshDatabase());
  provider = new DockerProvider({ installationId, version: "it", image: LAB_IMAGE, memoryBytes: 512 * 1024 * 1024 });
});

afterAll(async () => {
  for (const m of managers) await m.close();
  provider?.close();
  const all = await docker.listContainers({ all: true, filters: { label: [`${LABEL.installation}=${installationId}`] } }).catch(() => []);
  for (const c of all) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  await db?.$disconnect();
});

describe("labs warmed for a class", () => {
  let manager: LabManager;
  let eve: string;
  let a: string;
  let b: string;
  let c: string;
  let until10: Date;

  it("warms one lab per learner without a lab, only within capacity, and never ends another learner's lab", async () => {
    manager = await newManager();
    eve = await user(); // a learner of no class, already working
    await manager.request(eve);
    await until("eve's lab", () => manager.view(eve), (v) => v.state === "ready");
    [a, b, c] = [await user(), await user(), await user()];
    until10 = new Date(Date.now() + 10 * 60_000);

    // Capacity 3, one place taken by eve: two of the three learners get a warmed lab.
    expect(await manager.warmFor({ key: KEY, until: until10 }, [a, b, c])).toEqual({ started: 2, short: 1 });
    expect((await reservedRows()).map((r) => [r.status, r.userId])).toEqual([["warming", null], ["warming", null]]);
    // Asked again at once (the scheduler's next tick, a second "class starts now"): nothing more.
    expect(await manager.warmFor({ key: KEY, until: until10 }, [a, b, c])).toEqual({ started: 0, short: 1 });
    expect(await db.sandbox.count({ where: { status: { in: ["warming", "pooled", "starting", "ready"] } } })).toBe(3);
    expect((await manager.view(eve)).state).toBe("ready");
  });

  it("a learner who presses Start while the class's labs still boot gets one of those, not a cold start of their own", async () => {
    const [first] = await reservedRows();
    const view = await manager.request(b, undefined, "sim", [KEY]);
    expect(view.state).toBe("starting");
    expect(sandboxOf(view)).toBe(first!.id);
    const ready = await until("b's claimed lab ready", () => manager.view(b), (v) => v.state === "ready");
    expect(sandboxOf(ready)).toBe(first!.id);
    await until("the other warmed lab ready", () => manager.reservedLabs(KEY), (r) => r.ready === 1 && r.warming === 0);
    expect(await manager.reservedLabs(KEY)).toEqual({ warming: 0, ready: 1, claimed: 1 });
    // No more labs than the capacity at any point.
    expect(await running()).toHaveLength(3);
  });

  it("after a restart of the manager, warming again starts nothing twice", async () => {
    const before = (await running()).map((c) => c.Id).sort();
    await manager.close();
    manager = await newManager();
    expect(await manager.reservedLabs(KEY)).toEqual({ warming: 0, ready: 1, claimed: 1 });
    expect(await manager.warmFor({ key: KEY, until: until10 }, [a, b, c])).toEqual({ started: 0, short: 1 });
    expect((await running()).map((c) => c.Id).sort()).toEqual(before);
  });

  it("a learner of no class cannot take a class's warmed lab; an enrolled learner's Start gets it at once, the same container", async () => {
    const frank = await user();
    expect((await manager.request(frank)).state).toBe("queued");
    await manager.stop(frank);

    const warm = (await reservedRows()).find((r) => r.status === "pooled")!;
    const containerBefore = await containerOf(warm.id);
    const view = await manager.request(a, undefined, "sim", [KEY]);
    // Ready in the same call: the lab had booted before she asked.
    expect(view.state).toBe("ready");
    expect(sandboxOf(view)).toBe(warm.id);
    expect(await containerOf(warm.id)).toBe(containerBefore);
    expect((await running()).map((c) => c.Id)).toContain(containerBefore);
    expect(await manager.reservedLabs(KEY)).toEqual({ warming: 0, ready: 0, claimed: 2 });
  });

  it("a warmed lab nobody claims is ended when its reservation runs out; claimed ones stay", async () => {
    // Eve leaves: a place frees, and the class's last learner gets a warmed lab too.
    await manager.stop(eve);
    expect(await manager.warmFor({ key: KEY, until: until10 }, [a, b, c])).toEqual({ started: 1, short: 0 });
    await until("c's warmed lab", () => manager.reservedLabs(KEY), (r) => r.ready === 1);
    const unclaimed = (await reservedRows()).find((r) => r.status === "pooled")!;
    const unclaimedContainer = await containerOf(unclaimed.id);

    await manager.cull(until10.getTime() - 1000);
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: unclaimed.id } })).status).toBe("pooled");

    await manager.cull(until10.getTime() + 1000);
    expect(await db.sandbox.findUniqueOrThrow({ where: { id: unclaimed.id } })).toMatchObject({ status: "ended", endReason: "unclaimed" });
    const left = (await running()).map((c) => c.Id);
    expect(left).not.toContain(unclaimedContainer);
    expect(left).toHaveLength(2);
    expect((await manager.view(a)).state).toBe("ready");
    expect((await manager.view(b)).state).toBe("ready");
  });

  it("a learner who claimed their class's lab and stopped it gets no second one from the same class", async () => {
    await manager.stop(a);
    await manager.stop(b);
    expect(await manager.warmFor({ key: KEY, until: until10 }, [a, b])).toEqual({ started: 0, short: 0 });
    expect(await running()).toHaveLength(0);
  });
});
