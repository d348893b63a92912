// THE WHOLE COURSE IN ONE LAB, IN ORDER, AS A LEARNER TAKES IT (issue 13, item 2). One lab,
// never reset: each lesson is opened as the page opens it (every setup of the lesson, in
// order), then its steps are taken in page order: each Run block typed into the learner's own
// shell (the provider's TTY, the keystrokes the Run button sends), and at each <Exercise> its
// reference solution, after which the exercise must pass where it stands.
//
// Why exercises.test.ts did not catch lesson 5 failing after lesson 4: it proves every
// exercise on a freshly reset cluster, so nothing a learner left behind in an earlier lesson
// is ever there. This test keeps everything, as a learner's lab does.
// Only where the next lesson needs the other profile (`lab: node`, real pods) does it do what
// the learner does there: switch to a fresh lab of that profile (the lab panel's offer), and
// carry on in it. A switch leaves nothing behind to meet, so each run of lessons on one profile
// is taken in a fresh lab, and the runs are dealt to walks that go side by side (the sim runs
// to one, the node runs to two): a walk waits mostly on its cluster, and this is one of the
// suite's longest files. (Two sim walks as well made it slower here, 236 s against 216 s.)
//
// It also enforces the course's rule for lesson objects (README, "Writing a lesson"): each
// lesson's objects are its own. No check of a lesson may select an object that an earlier
// lesson made (in its Run blocks, setups or solutions), whether or not the learner cleaned it
// up, since a learner who skipped a clean-up block must not find a later exercise passing or
// failing because of it. That rule is judged once every walk is over, against what every
// earlier lesson made in any lab.
//
// Run blocks must succeed, except those marked `expect-fail` (at least one command must fail)
// and `interactive` (typed, then left with q and Ctrl+C once their output settles); `norun`
// blocks get no Run button, so a learner cannot type them from the page and neither does this.
// Filter while writing lessons: `npx vitest run test/integration/content/course.test.ts -t "04-|05-"`
// (the lab then holds only what the chosen lessons left, in order).
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Exercise } from "@/sandbox/grader/exercise-schema";
import { readExercises } from "@/app/_lib/lessons/exercises";
import { type LessonStep, lessonSteps } from "@/app/_lib/lessons/run-blocks";
import { listLessonIds, readLessonSource } from "@/app/_lib/lessons/source";
import { execBounded, gradeExercise, readCluster, TIMED_OUT } from "@/sandbox/grader/engine";
import { type KubeObject, selectObjects, selectorsOf } from "@/sandbox/grader/evaluate";
import { startThrowawayLab, type ThrowawayLab } from "@/sandbox/grader/prove-lab";
import type { LabProfile } from "@/sandbox/providers/types";
import { runSetup, SetupError } from "@/sandbox/grader/setup";
import { dealEvenly } from "../../support/deal";
import { LabShell } from "../../support/lab-shell";

const contentDir = path.resolve("content");

interface Lesson {
  id: string;
  /** Its place in the course: "earlier" is a smaller index, whichever lab it was taken in. */
  index: number;
  profile: LabProfile;
  steps: LessonStep[];
  exercises: Map<string, Exercise>;
}

const lessons: Lesson[] = listLessonIds(contentDir).map((id, index) => {
  // The Korean page; the unit test course.test.ts keeps the English one's blocks identical.
  const source = readLessonSource(contentDir, id, "ko");
  const exercises = readExercises(contentDir, id)?.exercises ?? [];
  return { id, index, profile: source.frontMatter.lab, steps: lessonSteps(source.file, source.body), exercises: new Map(exercises.map((e) => [e.id, e])) };
});

const allChecks = lessons.flatMap((l) => [...l.exercises.values()].flatMap((e) => e.checks.map((c) => ({ lesson: l.id, exercise: e.id, check: c }))));
const selectedKinds = [...new Set(allChecks.flatMap((c) => selectorsOf(c.check).map((s) => s.kind)))];

/** kind/namespace/name: an object's identity across deletes and re-creates. */
const identity = (o: KubeObject) => `${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;

/** Every object a lesson made: the earliest lesson (in course order) seen making it, in any lab. */
const madeBy = new Map<string, { lesson: Lesson; object: KubeObject }>();
/** Lessons that were walked (a -t filter walks fewer): the naming rule judges only these. */
const walked = new Set<string>();
const walkStarted = performance.now();

/** One walk: its current lab, the learner's shell in it, and what the fresh labs it had held. */
class Walk {
  lab: ThrowawayLab | undefined;
  shell: LabShell | undefined;
  /** Objects its fresh clusters have (node, kube-system, default Service...): nobody's. */
  readonly pristine = new Set<string>();

  constructor(readonly profile: LabProfile) {}

  async snapshot(): Promise<KubeObject[] | null> {
    const read = await readCluster(this.lab!.target, selectedKinds, 20_000);
    return read.ok ? [...read.byKind.values()].flat() : null;
  }

  async attribute(lesson: Lesson): Promise<void> {
    // A stopped cluster (lesson 3's `minikube stop`) cannot be read: its objects are seen at
    // the next snapshot. Whether the learner's work can be read is the grader's to say.
    for (const object of (await this.snapshot()) ?? []) {
      const key = identity(object);
      if (this.pristine.has(key)) continue;
      const known = madeBy.get(key);
      if (!known || known.lesson.index > lesson.index) madeBy.set(key, { lesson, object });
    }
  }

  /** A fresh lab of this profile in place of the one before (and of what the learner made in it). */
  async switchLab(): Promise<void> {
    await this.close();
    this.lab = await startThrowawayLab({ purpose: `it-course-${this.profile}`, profile: this.profile });
    this.shell = await LabShell.open(this.lab.provider, this.lab.state);
    const fresh = await this.snapshot();
    if (!fresh) throw new Error(`could not read the fresh ${this.profile} lab's cluster`);
    for (const object of fresh) this.pristine.add(identity(object));
  }

  async close(): Promise<void> {
    this.shell?.close();
    await this.lab?.stop();
    this.shell = undefined;
    this.lab = undefined;
  }
}

it("walks a course with Run blocks and exercises in every lesson", () => {
  expect(lessons.length).toBeGreaterThan(0);
  for (const lesson of lessons) {
    expect(lesson.steps.some((s) => s.kind === "run"), `${lesson.id} has no Run block`).toBe(true);
    expect(lesson.exercises.size, `${lesson.id} has no exercises`).toBeGreaterThan(0);
  }
});

/**
 * Runs of consecutive lessons on one profile: each run is taken in a fresh lab, as the learner
 * who switches profile gets one, and nothing of the runs before is in it.
 */
function runsOfLessons(): Lesson[][] {
  const runs: Lesson[][] = [];
  for (const lesson of lessons) {
    const last = runs.at(-1);
    if (last && last[0]!.profile === lesson.profile) last.push(lesson);
    else runs.push([lesson]);
  }
  return runs;
}

/** The runs of one profile dealt to `count` walks by their number of lessons, each walk taking its runs in course order. */
function walksOf(profile: LabProfile, count: number): Lesson[][][] {
  const runs = runsOfLessons().filter((run) => run[0]!.profile === profile);
  return dealEvenly(runs, count, (run) => run.length).filter((walk) => walk.length > 0);
}

/**
 * One walk: its runs of lessons in course order, each run in a fresh lab of the profile. The
 * walks are concurrent siblings, so they run side by side (a walk waits mostly on its cluster:
 * a rollout, a probe, an app starting).
 */
function walkRuns(profile: LabProfile, runs: Lesson[][], name: string): void {
  describe.concurrent(name, () => {
    const walk = new Walk(profile);
    let last: Lesson | undefined;
    afterAll(async () => {
      await walk.close();
      console.info(`${name} ended ${Math.round((performance.now() - walkStarted) / 1000)} s after the start`);
    });
    describe.sequential(`${name}, in order`, () => {
      for (const lesson of runs.flat()) {
        it(`${lesson.id}: every Run block runs and every exercise passes after its solution`, { timeout: 900_000 }, async () => {
          // A lesson that does not follow the last one taken here starts a run: a fresh lab.
          if (!walk.lab || lessons[lesson.index - 1] !== last) await walk.switchLab();
          last = lesson;
          walked.add(lesson.id);
          expect(await takeLesson(walk, lesson)).toEqual([]);
        });
      }
    });
  });
}

/** How many walks each profile's runs are dealt to (so at most three labs at once). */
const WALKS: Record<LabProfile, number> = { sim: 1, node: 2 };
for (const profile of ["sim", "node"] as const) {
  for (const [i, runs] of walksOf(profile, WALKS[profile]).entries()) walkRuns(profile, runs, `${profile} walk ${i + 1}`);
}

it("no check selects an object an earlier lesson made (in any lab)", () => {
  const problems: string[] = [];
  for (const lesson of lessons.filter((l) => walked.has(l.id))) {
    const earlier = [...madeBy.values()].filter((m) => m.lesson.index < lesson.index);
    for (const exercise of lesson.exercises.values()) {
      for (const check of exercise.checks) {
        // A check with neither name nor labels is about the whole namespace on purpose
        // ("no Deployment is left after minikube delete"); it is meant to see everything.
        // (A logs or exec check looks into a pod, an http check asks a Service: the same rule.)
        for (const selector of selectorsOf(check)) {
          if (selector.name === undefined && selector.labels === undefined) continue;
          for (const hit of selectObjects(
            earlier.map((m) => m.object),
            selector,
          )) {
            const owner = earlier.find((m) => m.object === hit)!.lesson.id;
            problems.push(`${lesson.id} / ${exercise.id} / ${check.id} selects ${identity(hit)}, which lesson ${owner} made: give this lesson's objects names and labels of its own`);
          }
        }
      }
    }
  }
  expect(problems, problems.join("\n\n")).toEqual([]);
});

/** Opens the lesson and takes its steps in page order; what went wrong, each naming where. */
async function takeLesson(walk: Walk, lesson: Lesson): Promise<string[]> {
  const lab = walk.lab!;
  const problems: string[] = [];
  const where = (line: number) => `${lesson.id}/ko.mdx:${line}`;

  // Opening the page runs every setup of the lesson, in order.
  for (const exercise of lesson.exercises.values()) {
    try {
      await runSetup({ lessonId: lesson.id, exercise }, lab.target);
    } catch (error) {
      problems.push(`${lesson.id} / ${exercise.id}: its setup fails on opening the lesson: ${error instanceof SetupError ? error.text.en : (error as Error).message}`);
    }
  }
  await walk.attribute(lesson);

  for (const step of lesson.steps) {
    if (step.kind === "run") {
      if (step.mode === "norun") continue;
      const label = `${where(step.line)} (Run block ${step.index}${step.mode === "run" ? "" : `, ${step.mode}`})`;
      if (!walk.shell?.alive) walk.shell = await LabShell.open(lab.provider, lab.state);
      let ran;
      try {
        ran = await walk.shell.run(step.code, { interactive: step.mode === "interactive" });
      } catch (error) {
        problems.push(`${label}: ${(error as Error).message}`);
        continue;
      }
      if (step.mode === "expect-fail" && ran.failures.length === 0) problems.push(`${label} is marked expect-fail, but every command in it succeeded:\n${ran.output.trim()}`);
      if (step.mode !== "expect-fail" && ran.failures.length > 0) problems.push(`${label}: ${ran.failures.length} command(s) failed (exit ${ran.failures.join(", ")}):\n${ran.output.trim()}`);
      await walk.attribute(lesson);
      continue;
    }
    const exercise = lesson.exercises.get(step.id);
    if (!exercise) {
      problems.push(`${where(step.line)}: <Exercise id="${step.id}"> is not in exercises.yaml`);
      continue;
    }
    const solved = await execBounded(lab.target, ["bash", "-eo", "pipefail", "-c", exercise.solve], 120_000).catch((e: Error) => ({ exitCode: -1, stdout: "", stderr: e.message }));
    if (solved.exitCode !== 0) {
      const why = TIMED_OUT.has(solved.exitCode) ? "did not finish within 120 s" : `exited with ${solved.exitCode}`;
      problems.push(`${lesson.id} / ${exercise.id}: its solution ${why} where it stands in the course:\n${(solved.stderr || solved.stdout).trim().split("\n").slice(-5).join("\n")}`);
      continue;
    }
    const deadline = performance.now() + 30_000;
    let doc = await gradeExercise({ lessonId: lesson.id, exercise }, lab.target);
    while (doc.outcome !== "pass" && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      doc = await gradeExercise({ lessonId: lesson.id, exercise }, lab.target);
    }
    if (doc.outcome !== "pass") {
      const lines = doc.checks.filter((c) => c.status !== "pass").map((c) => `    check ${c.id} [${c.status}]: ${c.message.en}`);
      problems.push(`${lesson.id} / ${exercise.id}: does not pass after its solution, taken in order after the lessons and blocks before it:\n${lines.join("\n")}`);
    }
    await walk.attribute(lesson);
  }
  return problems;
}
