// Measurements of the cluster picture on a real lab: how soon a change reaches the picture,
// and what drawing it costs in CPU per lab. The path is the server's own (the live checks'
// watch widened by watchPicture, its events applied to the picture's objects, buildPicture,
// diffPicture, the SSE frame encoded and checked); only the loopback socket write to a
// browser is left out. Raw samples only;
// run.ts summarises and prints.
import { setTimeout as sleep } from "node:timers/promises";
import Docker from "dockerode";
import { readExercises } from "@/app/_lib/lessons/exercises";
import { startLiveChecks } from "@/sandbox/grader/live";
import { startThrowawayLab, type ThrowawayLab } from "@/sandbox/grader/prove-lab";
import { runSetup } from "@/sandbox/grader/setup";
import { buildPicture } from "@/sandbox/picture/build";
import { diffPicture } from "@/sandbox/picture/diff";
import { type ClusterPicture, encodePictureFrame } from "@/sandbox/picture/schema";

const LESSON = "01-grader-fixture";
const docker = new Docker();

async function withLab<T>(fn: (lab: ThrowawayLab) => Promise<T>): Promise<T> {
  const lab = await startThrowawayLab({ purpose: "bench-picture" });
  try {
    return await fn(lab);
  } finally {
    await lab.stop();
  }
}

const learner = (lab: ThrowawayLab, command: string) => lab.target.exec(["bash", "-c", command], { user: "learner", timeoutMs: 30_000 });

function deploymentOf(picture: ClusterPicture | undefined, name: string) {
  return picture?.namespaces.find((n) => n.name === "default")?.deployments.find((d) => d.name === name);
}

/**
 * `n` scales of a Deployment, alternating 1 and 3 replicas. For each: from `kubectl scale`
 * returning at the learner's prompt to the first frame whose picture shows the new desired
 * count, and to the first that shows that many pods (the controller and kwok have acted).
 */
export async function pictureLatency(n = 20): Promise<{ desired: number[]; pods: number[]; note: string }> {
  return withLab(async (lab) => {
    await learner(lab, "kubectl create deployment bench-web --image=nginx --replicas=1 && kubectl rollout status deployment/bench-web --timeout=60s");
    let current: ClusterPicture | undefined;
    let frames = 0;
    let bytes = 0;
    const waiters = new Set<() => void>();
    const live = startLiveChecks({ lessonId: "bench", exercises: [], target: lab.target, onResults: () => {} });
    const close = live.watchPicture((read) => {
      if (!read.ok) return;
      const next = buildPicture(read.byKind);
      const frame = current ? { type: "diff" as const, version: 1 as const, seq: frames + 2, ...diffPicture(current, next) } : { type: "snapshot" as const, version: 1 as const, seq: 1, picture: next };
      bytes += encodePictureFrame(frame).length;
      frames++;
      current = next;
      for (const w of waiters) w();
    });
    const until = (ok: () => boolean, timeoutMs = 30_000) =>
      new Promise<number>((resolve, reject) => {
        if (ok()) return resolve(performance.now());
        const timer = setTimeout(() => (waiters.delete(check), reject(new Error(`the picture did not show the change within ${timeoutMs / 1000} s`))), timeoutMs);
        const check = () => {
          if (!ok()) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(performance.now());
        };
        waiters.add(check);
      });
    try {
      await until(() => deploymentOf(current, "bench-web")?.replicaSets[0]?.pods.length === 1, 60_000);
      await sleep(3000); // the first watch is running in the lab
      const desired: number[] = [];
      const pods: number[] = [];
      for (let i = 0; i < n; i++) {
        const replicas = i % 2 === 0 ? 3 : 1;
        const r = await learner(lab, `kubectl scale deployment bench-web --replicas=${replicas}`);
        if (r.exitCode !== 0) throw new Error(`kubectl scale failed: ${r.stderr}`);
        const t0 = performance.now();
        const seenDesired = until(() => deploymentOf(current, "bench-web")?.desired === replicas);
        const seenPods = until(() => deploymentOf(current, "bench-web")?.replicaSets.flatMap((rs) => rs.pods.filter((p) => !p.deleting)).length === replicas);
        const [d, p] = await Promise.all([seenDesired, seenPods]);
        desired.push(d - t0);
        pods.push(p - t0);
        await sleep(1500);
      }
      return { desired, pods, note: `from \`kubectl scale\` returning to the picture built and its frame encoded, on a sim lab with the picture alone on the watch; ${frames} frames, ${Math.round(bytes / frames)} bytes on average` };
    } finally {
      close();
      await live.stop();
    }
  });
}

async function cpuPerMinute(lab: ThrowawayLab, ms: number): Promise<number> {
  const labCpu = async () => (await docker.getContainer(lab.state.ref).stats({ stream: false })).cpu_stats.cpu_usage.total_usage / 1e9;
  const node0 = process.cpuUsage();
  const lab0 = await labCpu();
  const t0 = performance.now();
  await sleep(ms);
  const node = process.cpuUsage(node0);
  const lab1 = await labCpu();
  return ((node.user + node.system) / 1e6 + (lab1 - lab0)) / ((performance.now() - t0) / 60_000);
}

/**
 * CPU (this process + the lab container) per minute with the picture open minus the same
 * without, on a lab whose lesson's live checks run anyway (the fixture lesson): idle, and
 * while the learner scales a Deployment every 2 s. Also the picture alone (no lesson open,
 * as when an instructor looks) against nothing at all.
 */
export async function pictureCpu(windows = 3, windowMs = 12_000): Promise<{ idle: number[]; changing: number[]; aloneIdle: number[]; note: string }> {
  return withLab(async (lab) => {
    const exercises = readExercises("test/fixtures/content-grader", LESSON)!.exercises;
    for (const exercise of exercises) await runSetup({ lessonId: LESSON, exercise }, lab.target);
    await sleep(3000);
    let changing = false;
    let replicas = 1;
    const changer = async () => {
      while (changing) {
        replicas = replicas === 1 ? 2 : 1;
        await learner(lab, `kubectl scale deployment web --replicas=${replicas}`);
        await sleep(2000);
      }
    };
    const measure = async (opts: { lesson: boolean; picture: boolean; change: boolean }): Promise<number[]> => {
      let reads = 0;
      const live = opts.lesson || opts.picture ? startLiveChecks({ lessonId: LESSON, exercises: opts.lesson ? exercises : [], target: lab.target, onResults: () => {} }) : undefined;
      const close = opts.picture ? live!.watchPicture((read) => read.ok && (reads++, buildPicture(read.byKind))) : undefined;
      changing = opts.change;
      const loop = opts.change ? changer() : Promise.resolve();
      await sleep(2000);
      const out: number[] = [];
      for (let i = 0; i < windows; i++) out.push(await cpuPerMinute(lab, windowMs));
      changing = false;
      await loop;
      close?.();
      await live?.stop();
      if (opts.picture && reads === 0) throw new Error("the picture read nothing");
      return out;
    };
    const idleBase = await measure({ lesson: true, picture: false, change: false });
    const idlePic = await measure({ lesson: true, picture: true, change: false });
    const changeBase = await measure({ lesson: true, picture: false, change: true });
    const changePic = await measure({ lesson: true, picture: true, change: true });
    const nothing = await measure({ lesson: false, picture: false, change: false });
    const alone = await measure({ lesson: false, picture: true, change: false });
    const diff = (a: number[], b: number[]) => a.map((v, i) => v - b[i]!);
    const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
    return {
      idle: diff(idlePic, idleBase),
      changing: diff(changePic, changeBase),
      aloneIdle: diff(alone, nothing),
      note:
        `CPU s per minute of this node process + the lab container; baselines with the lesson's live checks: idle ${mean(idleBase).toFixed(2)}, ` +
        `scaling every 2 s ${mean(changeBase).toFixed(2)}; a lab with nothing open ${mean(nothing).toFixed(2)}`,
    };
  });
}
