// KUBELAB_SERVER_NICE: the production server puts itself ahead of the labs for the CPU when the
// operator asks (app/_lib/config/cpu-priority.ts), where the kernel will see it: its session's
// autogroup when it is scheduled as one (a server started from a shell, as here), else its own
// process. A value it may not or cannot apply stops it at start, saying so.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { getPriority } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../support/server";

let server: RunningServer | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const env = (nice: string) => ({
  KUBELAB_SECRET: `priority-${randomBytes(24).toString("hex")}`,
  KUBELAB_INSTALLATION_ID: `pri${randomBytes(4).toString("hex")}`,
  KUBELAB_POOL_SIZE: "0",
  KUBELAB_SERVER_NICE: nice,
  LOG_LEVEL: "info",
});

describe("the server's CPU priority", { timeout: 90_000 }, () => {
  it("sets the priority it is given where the scheduler applies it, and says how", async () => {
    server = await startServer(env("-7"), { captureOutput: true });
    const line = server.output().split("\n").find((l) => l.includes("CPU priority set"));
    expect(line, server.output()).toBeDefined();
    const applied = JSON.parse(line!) as { how: "autogroup" | "process"; nice: number; pid: number };
    expect(applied.nice).toBe(-7);
    if (applied.how === "autogroup") {
      // The whole session's group, tsx and the node process it started alike.
      expect(readFileSync(`/proc/${server.processGroup}/autogroup`, "utf8")).toMatch(/ nice -7$/m);
    } else {
      expect(getPriority(applied.pid)).toBe(-7);
    }
  });

  it("refuses to start with a value outside -20..19", async () => {
    await expect(startServer(env("-21"), { captureOutput: true })).rejects.toThrow(/exited with code/);
  });
});
