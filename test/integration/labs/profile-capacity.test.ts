// Capacity counts each profile's memory limit: a node lab (1.5 GiB) needs the room of three
// sim labs (512 MiB). Real database, real Docker engine; the budget is set so that no
// container has to start for the verdict (a node lab that does not fit waits in the queue).
import { randomBytes } from "node:crypto";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/prisma/generated/client";
import { LabManager } from "@/sandbox/manager/manager";
import { DockerProvider } from "@/sandbox/providers/docker";
import { freshDatabase } from "../../support/database";
import { LAB_IMAGE, requireDockerAndImage } from "../../support/docker";

const MiB = 1024 * 1024;
const installationId = `pc${randomBytes(4).toString("hex")}`;
let db: PrismaClient;
let provider: DockerProvider;
let manager: LabManager;

beforeAll(async () => {
  await requireDockerAndImage();
  ({ db } = freshDatabase());
  provider = new DockerProvider({ installationId, version: "it", image: LAB_IMAGE, node: { enabled: true } });
  manager = new LabManager(provider, db, {
    poolSize: 0,
    capacity: 10,
    idleTimeoutMs: 3600_000,
    maxAgeMs: 3600_000,
    readyTimeoutMs: 120_000,
    maxConcurrentStarts: 1,
    cullIntervalMs: 3600_000,
    version: "it",
    profileMemoryBytes: { sim: 512 * MiB, node: 1536 * MiB },
    // Room for two sim labs' limits: a node lab's 1.5 GiB does not fit.
    memoryBudgetBytes: 1024 * MiB,
  }, pino({ level: "silent" }));
  await manager.init();
});

afterAll(async () => {
  await manager?.close();
  for (const lab of (await provider?.list()) ?? []) await provider.stop(lab.state);
  provider?.close();
  await db?.$disconnect();
});

describe("capacity by profile", () => {
  it("queues a node lab whose memory limit does not fit the budget, and keeps its profile in the queue", async () => {
    const learner = (await db.user.create({ data: {} })).id;
    expect(await manager.request(learner, undefined, "node")).toEqual({ state: "queued", position: 1, queueLength: 1 });
    const row = await db.sandbox.findFirstOrThrow({ where: { userId: learner } });
    expect(row.profile).toBe("node");
    expect(row.status).toBe("queued");
    // Nothing was started for it.
    expect(await provider.list()).toEqual([]);
  });
});
