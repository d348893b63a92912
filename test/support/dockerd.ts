// The host's Docker engine as the fault tests and the class bench handle it: stopped for real
// (SIGTERM to the dockerd that serves /var/run/docker.sock) and started again exactly as the
// set-up starts it (sandbox/host/ensure-docker.sh, live-restore on). Root only.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { ROOT } from "./fixture-content";

const run = promisify(execFile);

/** Starts dockerd if it is not running, as `npm test`'s set-up does. */
export async function ensureDocker(): Promise<void> {
  await run("bash", [`${ROOT}/sandbox/host/ensure-docker.sh`], { timeout: 90_000 });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops the engine, keeps it away for `outageMs`, and always starts it again. */
export async function restartDockerd(outageMs: number): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error("restarting dockerd needs root (as `npm test` runs in CI)");
  const pid = Number(readFileSync("/var/run/docker.pid", "utf8").trim());
  process.kill(pid, "SIGTERM");
  try {
    for (let i = 0; i < 150 && alive(pid); i++) await sleep(100);
    if (alive(pid)) throw new Error(`dockerd (pid ${pid}) did not stop within 15 s`);
    await sleep(outageMs);
  } finally {
    await ensureDocker();
  }
}
