// Faults during class (`npm run bench -- class --faults`), each caused for real once the class
// has settled: the kubelab server (with --replicas, the first of them) killed with SIGKILL and
// started again on the same port and data; dockerd stopped and started again (as sandbox/host/ensure-docker.sh starts it, with
// live-restore); one learner's lab container killed; the data directory's disk filled (a tmpfs
// the bench mounts, see prepareDataDir). For each: how long until every terminal, live stream
// and the instructor's dashboard were back, what the Checks meanwhile answered (an outage must
// read `error` or `not-saved`, never `fail`), what learners saw, and the database before and
// after (no pass, attempt or enrolment lost).
//
// While a fault is caused the learners stop typing (as people look up when their screen
// changes) and then type their current step again from its first line.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { LABEL } from "@/sandbox/providers/types";
import { restartDockerd } from "../support/dockerd";
import { startServer } from "../support/server";
import { type ClassRun, Errors, type SimLearner } from "./class.bench-lib";

const RECOVERY_LIMIT_MS = 5 * 60_000;

export interface FaultResult {
  name: string;
  recoveryMs: number | null;
  detail: string;
  errors: Errors;
  /** Check answers from the fault until recovery, by answer (pass, fail, error, not-saved, failed = no answer, …). */
  checks: Record<string, number>;
  dbDiff: string;
}

interface DbSnapshot {
  passes: Set<string>;
  attempts: number;
  enrolments: number;
  users: number;
}

async function snapshot(cls: ClassRun): Promise<DbSnapshot> {
  const progress = await cls.db.progress.findMany({ where: { firstPassedAt: { not: null } }, select: { userId: true, lessonId: true, exerciseId: true } });
  return {
    passes: new Set(progress.map((p) => `${p.userId}/${p.lessonId}/${p.exerciseId}`)),
    attempts: await cls.db.attempt.count(),
    enrolments: await cls.db.enrollment.count({ where: { removedAt: null } }),
    users: await cls.db.user.count(),
  };
}

function compare(before: DbSnapshot, after: DbSnapshot): string {
  const lost = [...before.passes].filter((k) => !after.passes.has(k));
  const parts = [
    `passes ${before.passes.size} → ${after.passes.size}`,
    `attempts ${before.attempts} → ${after.attempts}`,
    `enrolments ${before.enrolments} → ${after.enrolments}`,
    `users ${before.users} → ${after.users}`,
  ];
  const lostAny = lost.length > 0 || after.attempts < before.attempts || after.enrolments < before.enrolments || after.users < before.users;
  return `${lostAny ? `LOST ${lost.length} passes; ` : "nothing lost; "}${parts.join(", ")}`;
}

/** A tmpfs for the server's data directory, so that the disk can really fill; root only. */
export function prepareDataDir(sizeMiB = 96): { dir: string; remove(): void } {
  if (process.getuid?.() !== 0) throw new Error("the disk-full fault mounts a tmpfs: run the class bench as root, or leave that fault out (--faults server,dockerd,lab)");
  const dir = mkdtempSync(path.join(tmpdir(), "kubelab-class-data-"));
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${sizeMiB}m,mode=0700`, "tmpfs", dir]);
  return {
    dir,
    remove: () => {
      execFileSync("umount", ["-l", dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every learner with a lab answers a keystroke and a Check that is not an outage's answer. */
async function everyoneBack(cls: ClassRun, since: number, opts: { reopened: boolean }): Promise<{ ok: boolean; missing: string }> {
  const learners = cls.learners.filter((l) => l.readyAt > 0);
  const missing: string[] = [];
  for (const l of learners) {
    if (!l.wsAttached) missing.push(`${l.index}: terminal`);
    else if (opts.reopened && l.attachedAt < since) missing.push(`${l.index}: terminal not reattached`);
    if (!l.live || (opts.reopened && l.liveFrameAt < since)) missing.push(`${l.index}: live stream`);
  }
  if (!cls.instructorStream || (opts.reopened && cls.instructorFrameAt < since)) missing.push("instructor stream");
  if (missing.length > 0) return { ok: false, missing: missing.slice(0, 5).join(", ") };
  const probes = await Promise.all(learners.map((l) => l.probe()));
  const checks = await Promise.all(learners.map((l) => l.check()));
  probes.forEach((ok, i) => !ok && missing.push(`${learners[i]!.index}: no echo`));
  checks.forEach((c, i) => !["pass", "fail", "too-often"].includes(c) && missing.push(`${learners[i]!.index}: Check ${c}`));
  return { ok: missing.length === 0, missing: missing.slice(0, 5).join(", ") };
}

async function waitBack(cls: ClassRun, since: number, opts: { reopened: boolean }): Promise<{ ms: number | null; missing: string }> {
  let last = "";
  while (performance.now() - since < RECOVERY_LIMIT_MS) {
    const r = await everyoneBack(cls, since, opts);
    if (r.ok) return { ms: performance.now() - since, missing: "" };
    if (r.missing !== last) process.stderr.write(`[class]   waiting for: ${r.missing}\n`);
    last = r.missing;
    await sleep(2000);
  }
  return { ms: null, missing: last };
}

async function withFault(cls: ClassRun, name: string, cause: (t0: number) => Promise<{ ms: number | null; detail: string }>): Promise<FaultResult> {
  process.stderr.write(`[class] fault: ${name}\n`);
  // Let every learner finish the key they are on, then look up.
  cls.paused = true;
  await sleep(1500);
  const before = await snapshot(cls);
  const checks: Record<string, number> = {};
  cls.fault = name;
  cls.onCheck = (label) => void (checks[label] = (checks[label] ?? 0) + 1);
  const t0 = performance.now();
  let result: { ms: number | null; detail: string };
  try {
    result = await cause(t0);
  } catch (e) {
    result = { ms: null, detail: `the fault could not be caused: ${(e as Error).message}` };
  }
  const after = await snapshot(cls).catch((e) => null as unknown as DbSnapshot);
  const errors = cls.faultErrors.get(name) ?? new Errors();
  cls.onCheck = undefined;
  cls.fault = null;
  cls.lastFault = { name, endedAt: performance.now() };
  for (const l of cls.learners) l.interrupted = true;
  cls.paused = false;
  process.stderr.write(`[class] fault ${name}: ${result.ms === null ? "NOT recovered" : `recovered in ${Math.round(result.ms / 100) / 10} s`}; ${result.detail}\n`);
  return { name, recoveryMs: result.ms, detail: result.detail, errors, checks, dbDiff: after ? compare(before, after) : "could not read the database after" };
}

async function serverKill(cls: ClassRun): Promise<FaultResult> {
  return withFault(cls, "server SIGKILL and restart", async (t0) => {
    // With replicas, the first one: the balancer sends its reconnecting learners to the others.
    const killed = cls.servers[0]!;
    process.kill(-killed.processGroup, "SIGKILL");
    await sleep(1000);
    cls.servers[0] = await startServer(cls.env, { port: Number(new URL(killed.baseURL).port), dataDir: killed.dataDir });
    const up = performance.now() - t0;
    // One server: every terminal and stream had to come back through the new one. Replicas:
    // only those that were on the killed one did; everyone must answer either way.
    const back = await waitBack(cls, t0, { reopened: cls.servers.length === 1 });
    return { ms: back.ms, detail: `server answering again after ${(up / 1000).toFixed(1)} s${back.missing ? `; still missing: ${back.missing}` : ""}` };
  });
}

async function dockerdRestart(cls: ClassRun): Promise<FaultResult> {
  return withFault(cls, "dockerd restart", async (t0) => {
    await restartDockerd(3000);
    const up = performance.now() - t0;
    const back = await waitBack(cls, t0, { reopened: false });
    return { ms: back.ms, detail: `engine answering again after ${(up / 1000).toFixed(1)} s${back.missing ? `; still missing: ${back.missing}` : ""}` };
  });
}

async function labKill(cls: ClassRun): Promise<FaultResult> {
  return withFault(cls, "one lab container killed", async (t0) => {
    const victim: SimLearner | undefined = cls.learners.find((l) => l.readyAt > 0 && !l.enrolled) ?? cls.learners.find((l) => l.readyAt > 0);
    if (!victim) throw new Error("no learner with a lab");
    const [container] = await cls.docker.listContainers({ filters: { label: [`${LABEL.installation}=${cls.installation}`, `${LABEL.sandbox}=${victim.sandboxId}`] } });
    if (!container) throw new Error(`no container for sandbox ${victim.sandboxId}`);
    await cls.docker.getContainer(container.Id).kill({ signal: "SIGKILL" });
    // What the page learns: the terminal's last status, then the lab's view with its reason.
    let view = "";
    const deadline = performance.now() + 120_000;
    while (performance.now() < deadline) {
      const st = await cls.call("app/_lib/lab/actions.ts", "labStatusAction", [], victim.cookie);
      const v = (st.value as { data?: { view?: { state: string; reason?: string } } } | undefined)?.data?.view;
      if (v?.state === "ended") {
        view = `ended (${v.reason})`;
        break;
      }
      await sleep(500);
    }
    const told = performance.now() - t0;
    const terminal = victim.statusSeen ?? "no status";
    if (!view) return { ms: null, detail: `the learner was never told: terminal said ${terminal}` };
    // The learner takes the offer: Start again, a new lab, a prompt.
    victim.labGone = true;
    victim.close();
    // Start again: the place the dead lab left is held for this learner, ahead of the queue.
    const again = await victim.startLab(false, Date.now() + RECOVERY_LIMIT_MS);
    const newLab = performance.now() - t0;
    if (!again) return { ms: null, detail: `the learner's panel said "${view}" after ${(told / 1000).toFixed(1)} s, but their Start again was still queued after ${(RECOVERY_LIMIT_MS / 1000).toFixed(0)} s` };
    victim.openLive(victim.current?.lessonId ?? "04-pods");
    const others = await waitBack(cls, t0, { reopened: false });
    return {
      ms: others.ms === null ? null : performance.now() - t0,
      detail: `the learner's terminal said "${terminal}" and the lab panel "${view}" after ${(told / 1000).toFixed(1)} s, with Start again; new lab with a prompt after ${(newLab / 1000).toFixed(1)} s; every learner ${others.ms === null ? `NOT fine (${others.missing})` : "answering"}`,
    };
  });
}

async function diskFull(cls: ClassRun): Promise<FaultResult> {
  return withFault(cls, "data directory disk full", async (t0) => {
    const filler = path.join(cls.servers[0]!.dataDir, "filler");
    try {
      execFileSync("dd", ["if=/dev/zero", `of=${filler}`, "bs=1M"], { stdio: "ignore" });
    } catch {
      // "No space left on device" is the point
    }
    // A round of Checks while full: each must say its result was not saved, and nothing breaks.
    const whileFull = await Promise.all(cls.learners.filter((l) => l.readyAt > 0).map((l) => l.check()));
    const health = (await (await fetch(`${cls.baseURL}/api/health`)).json().catch(() => ({}))) as { database?: { ok?: boolean } };
    rmSync(filler, { force: true });
    const freed = performance.now();
    const back = await waitBack(cls, freed, { reopened: false });
    const counts = whileFull.reduce<Record<string, number>>((o, k) => ({ ...o, [k]: (o[k] ?? 0) + 1 }), {});
    return {
      ms: back.ms === null ? null : performance.now() - t0,
      detail: `while full: health database.ok=${health.database?.ok}, Checks answered ${JSON.stringify(counts)}; after freeing the space every learner answered in ${back.ms === null ? "never" : `${(back.ms / 1000).toFixed(1)} s`}${back.missing ? ` (missing: ${back.missing})` : ""}`,
    };
  });
}

const ALL = { server: serverKill, dockerd: dockerdRestart, lab: labKill, disk: diskFull } as const;
export type FaultName = keyof typeof ALL;

/** The faults to cause, in order; `which` comes from `--faults server,dockerd,lab,disk` (default all). */
export function classFaults(which: string) {
  const names = (which === "true" ? Object.keys(ALL) : which.split(",")).map((n) => n.trim()) as FaultName[];
  for (const n of names) if (!(n in ALL)) throw new Error(`unknown fault "${n}" (known: ${Object.keys(ALL).join(", ")})`);
  const results: FaultResult[] = [];
  return {
    names,
    results,
    run: async (cls: ClassRun) => {
      for (const n of names) {
        results.push(await ALL[n](cls));
        // The class settles again before the next one.
        await sleep(30_000);
      }
    },
  };
}
