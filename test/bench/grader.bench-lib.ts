// Measurements of the grader on a real lab: the Check round trip for a five-check exercise
// (four select-checks sharing one read of the cluster, one command check), and what live checking
// costs in CPU per lab. Raw samples only; run.ts summarises and prints.
import { setTimeout as sleep } from "node:timers/promises";
import Docker from "dockerode";
import { readExercises } from "@/app/_lib/lessons/exercises";
import { execBounded, type GradeTarget, gradeExercise } from "@/sandbox/grader/engine";
import { startLiveChecks } from "@/sandbox/grader/live";
import { startThrowawayLab, type ThrowawayLab } from "@/sandbox/grader/prove-lab";
import { runSetup } from "@/sandbox/grader/setup";

const LESSON = "01-grader-fixture";
const docker = new Docker();
const fixture = () => readExercises("test/fixtures/content-grader", LESSON)!.exercises;

async function withLab<T>(fn: (lab: ThrowawayLab) => Promise<T>): Promise<T> {
  const lab = await startThrowawayLab({ purpose: "bench-grader" });
  try {
    return await fn(lab);
  } finally {
    await lab.stop();
  }
}

/** gradeExercise wall time for the fixture's five-check exercise, solved, `n` times in a row. */
export async function checkRoundTrip(n = 50): Promise<{ samples: number[]; note: string }> {
  return withLab(async (lab) => {
    const r = await checkRoundTripOn(lab.target, n);
    return { samples: r.samples, note: `gradeExercise → results document through the docker provider's exec, ${r.note}` };
  });
}

/** The same on any lab (the kubernetes bench grades a lab pod through the API's exec). */
export async function checkRoundTripOn(target: GradeTarget, n: number): Promise<{ samples: number[]; note: string }> {
  const exercise = fixture().find((e) => e.id === "scale-web")!;
  if (exercise.checks.length !== 5) throw new Error(`the bench wants a five-check exercise; scale-web has ${exercise.checks.length}`);
  await runSetup({ lessonId: LESSON, exercise }, target);
  await execBounded(target, ["bash", "-c", exercise.solve], 120_000);
  for (let i = 0; i < 3; i++) await gradeExercise({ lessonId: LESSON, exercise }, target); // warm kubectl's discovery cache
  const samples: number[] = [];
  let outcome = "";
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const doc = await gradeExercise({ lessonId: LESSON, exercise }, target);
    samples.push(performance.now() - t0);
    outcome = doc.outcome;
  }
  if (outcome !== "pass") throw new Error(`the solved exercise graded ${outcome}, so the figures would time a failure`);
  return { samples, note: `4 select-checks in one read (curl of their REST paths) + 1 command check; outcome ${outcome}` };
}

/** CPU seconds used by this node process and by the lab's container (cgroup) during `ms`, per minute. */
async function cpuPerMinute(lab: ThrowawayLab, ms: number): Promise<number> {
  const labCpu = async () => {
    const stats = await docker.getContainer(lab.state.ref).stats({ stream: false });
    return stats.cpu_stats.cpu_usage.total_usage / 1e9;
  };
  const node0 = process.cpuUsage();
  const lab0 = await labCpu();
  const t0 = performance.now();
  await sleep(ms);
  const node = process.cpuUsage(node0);
  const lab1 = await labCpu();
  const minutes = (performance.now() - t0) / 60_000;
  return ((node.user + node.system) / 1e6 + (lab1 - lab0)) / minutes;
}

/**
 * CPU cost of live checking one lab (the fixture lesson: two exercises, Deployment, Pod and
 * Service watched, one command check polled), as the difference between the same window with
 * and without live checks: idle, and while the learner scales a Deployment every 2 s.
 */
export async function liveCheckCpu(windows = 4, windowMs = 15_000): Promise<{ idle: number[]; changing: number[]; note: string }> {
  return withLab(async (lab) => {
    const exercises = fixture();
    for (const exercise of exercises) await runSetup({ lessonId: LESSON, exercise }, lab.target);
    await sleep(3000);

    let changing = false;
    let replicas = 1;
    const changer = (async () => {
      while (changing) {
        replicas = replicas === 1 ? 2 : 1;
        await lab.target.exec(["kubectl", "scale", "deployment", "web", `--replicas=${replicas}`], { user: "learner", timeoutMs: 15_000 });
        await sleep(2000);
      }
    });

    const measure = async (live: boolean, change: boolean): Promise<number[]> => {
      let docs = 0;
      const checks = live ? startLiveChecks({ lessonId: LESSON, exercises, target: lab.target, onResults: () => docs++ }) : undefined;
      changing = change;
      const loop = change ? changer() : Promise.resolve();
      await sleep(2000);
      const out: number[] = [];
      for (let i = 0; i < windows; i++) out.push(await cpuPerMinute(lab, windowMs));
      changing = false;
      await loop;
      await checks?.stop();
      if (live && docs === 0) throw new Error("live checks emitted nothing");
      return out;
    };
    const idleBase = await measure(false, false);
    const idleLive = await measure(true, false);
    const changeBase = await measure(false, true);
    const changeLive = await measure(true, true);
    const diff = (a: number[], b: number[]) => a.map((v, i) => v - b[i]!);
    const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
    return {
      idle: diff(idleLive, idleBase),
      changing: diff(changeLive, changeBase),
      note:
        `CPU s per minute of this node process + the lab container with live checks minus the same without; ` +
        `baselines: idle ${mean(idleBase).toFixed(2)}, scaling every 2 s ${mean(changeBase).toFixed(2)} CPU s/min; ` +
        `about ${(mean(diff(changeLive, changeBase)) / 30).toFixed(2)} CPU s per change (30 scale commands a minute, each re-graded as its pods start or go)`,
    };
  });
}
