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
// carry on in it.
//
// It also enforces the course's rule for lesson objects (README, "Writing a lesson"): each
// lesson's objects are its own. No check of a lesson may select an object that an earlier
// lesson made (in its Run blocks, setups or solutions), whether or not the learner cleaned it
// up, since a learner who skipped a clean-up block must not find a later exercise passing or
// failing because of it.
//
// Run blocks must succeed, except those marked `expect-fail` (at least one command must fail)
// and `interactive` (typed, then left with q and Ctrl+C once their output settles); `norun`
// blocks get no Run button, so a learner cannot type them from the page and neither does this.
// Filter while writing lessons: `npx vitest run test/integration/content/course.test.ts -t "04-|05-"`
// (the lab then holds only what the chosen lessons left, in order).
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Exercise } from "@/sandbox/grader/exercise-schema";
import { readExercises } from "@/app/_lib/lessons/exercises";
import { type LessonStep, lessonSteps } from "@/app/_lib/lessons/run-blocks";
import { listLessonIds, readLessonSource } from "@/app/_lib/lessons/source";
import { execBounded, gradeExercise, readCluster, TIMED_OUT } from "@/sandbox/grader/engine";
import { type KubeObject, selectObjects, selectorsOf } from "@/sandbox/grader/evaluate";
import { startThrowawayLab, type ThrowawayLab } from "@/sandbox/grader/prove-lab";
import type { LabProfile } from "@/sandbox/providers/types";
import { runSetup, SetupError } from "@/sandbox/grader/setup";
import { LabShell } from "../../support/lab-shell";

const contentDir = path.resolve("content");

interface Lesson {
  id: string;
  profile: LabProfile;
  steps: LessonStep[];
  exercises: Map<string, Exercise>;
}

const lessons: Lesson[] = listLessonIds(contentDir).map((id) => {
  // The Korean page; the unit test course.test.ts keeps the English one's blocks identical.
  const source = readLessonSource(contentDir, id, "ko");
  const exercises = readExercises(contentDir, id)?.exercises ?? [];
  return { id, profile: source.frontMatter.lab, steps: lessonSteps(source.file, source.body), exercises: new Map(exercises.map((e) => [e.id, e])) };
});

const allChecks = lessons.flatMap((l) => [...l.exercises.values()].flatMap((e) => e.checks.map((c) => ({ lesson: l.id, exercise: e.id, check: c }))));
const selectedKinds = [...new Set(allChecks.flatMap((c) => selectorsOf(c.check).map((s) => s.kind)))];

/** kind/namespace/name: an object's identity across deletes and re-creates. */
const identity = (o: KubeObject) => `${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;

let lab: ThrowawayLab;
let labProfile: LabProfile;
let shell: LabShell;
/** Objects the fresh cluster has (node, kube-system, default Service...): nobody's. */
const pristine = new Set<string>();
/** Every object a lesson made, first seen while that lesson was being taken. */
const madeBy = new Map<string, { lesson: string; object: KubeObject }>();
const walkStarted = performance.now();

async function snapshot(): Promise<KubeObject[] | null> {
  const read = await readCluster(lab.target, selectedKinds, 20_000);
  return read.ok ? [...read.byKind.values()].flat() : null;
}

async function attribute(lessonId: string): Promise<void> {
  // A stopped cluster (lesson 3's `minikube stop`) cannot be read: its objects are seen at
  // the next snapshot. Whether the learner's work can be read is the grader's to say.
  for (const object of (await snapshot()) ?? []) {
    const key = identity(object);
    if (!pristine.has(key) && !madeBy.has(key)) madeBy.set(key, { lesson: lessonId, object });
  }
}

/** A fresh lab of this profile in place of the one before (and of what the learner made in it). */
async function switchLab(profile: LabProfile): Promise<void> {
  shell?.close();
  await lab?.stop();
  lab = await startThrowawayLab({ purpose: "it-course", profile });
  labProfile = profile;
  shell = await LabShell.open(lab.provider, lab.state);
  const fresh = await snapshot();
  if (!fresh) throw new Error(`could not read the fresh ${profile} lab's cluster`);
  for (const object of fresh) pristine.add(identity(object));
}

beforeAll(async () => {
  await switchLab(lessons[0]?.profile ?? "sim");
});

afterAll(async () => {
  shell?.close();
  await lab?.stop();
  console.info(`the course walk took ${Math.round((performance.now() - walkStarted) / 1000)} s`);
});

it("walks a course with Run blocks and exercises in every lesson", () => {
  expect(lessons.length).toBeGreaterThan(0);
  for (const lesson of lessons) {
    expect(lesson.steps.some((s) => s.kind === "run"), `${lesson.id} has no Run block`).toBe(true);
    expect(lesson.exercises.size, `${lesson.id} has no exercises`).toBeGreaterThan(0);
  }
});

describe.sequential("the course, in order, in one lab (a fresh one where the profile changes)", () => {
  for (const lesson of lessons) {
    it(`${lesson.id}: every Run block runs and every exercise passes after its solution`, { timeout: 900_000 }, async () => {
      // A lesson on the other profile: the learner switches labs, leaving what they made behind.
      if (lesson.profile !== labProfile) await switchLab(lesson.profile);
      const problems: string[] = [];
      const where = (line: number) => `${lesson.id}/ko.mdx:${line}`;

      // The rule: no check of this lesson selects what an earlier lesson made.
      for (const exercise of lesson.exercises.values()) {
        for (const check of exercise.checks) {
          // A check with neither name nor labels is about the whole namespace on purpose
          // ("no Deployment is left after minikube delete"); it is meant to see everything.
          // (A logs or exec check looks into a pod, an http check asks a Service: the same rule.)
          for (const selector of selectorsOf(check)) {
            if (selector.name === undefined && selector.labels === undefined) continue;
            const earlier = [...madeBy.values()].filter((m) => m.lesson !== lesson.id);
            for (const hit of selectObjects(
              earlier.map((m) => m.object),
              selector,
            )) {
              const owner = earlier.find((m) => m.object === hit)!.lesson;
              problems.push(`${lesson.id} / ${exercise.id} / ${check.id} selects ${identity(hit)}, which lesson ${owner} made: give this lesson's objects names and labels of its own`);
            }
          }
        }
      }

      // Opening the page runs every setup of the lesson, in order.
      for (const exercise of lesson.exercises.values()) {
        try {
          await runSetup({ lessonId: lesson.id, exercise }, lab.target);
        } catch (error) {
          problems.push(`${lesson.id} / ${exercise.id}: its setup fails on opening the lesson: ${error instanceof SetupError ? error.text.en : (error as Error).message}`);
        }
      }
      await attribute(lesson.id);

      for (const step of lesson.steps) {
        if (step.kind === "run") {
          if (step.mode === "norun") continue;
          const label = `${where(step.line)} (Run block ${step.index}${step.mode === "run" ? "" : `, ${step.mode}`})`;
          if (!shell.alive) shell = await LabShell.open(lab.provider, lab.state);
          let ran;
          try {
            ran = await shell.run(step.code, { interactive: step.mode === "interactive" });
          } catch (error) {
            problems.push(`${label}: ${(error as Error).message}`);
            continue;
          }
          if (step.mode === "expect-fail" && ran.failures.length === 0) problems.push(`${label} is marked expect-fail, but every command in it succeeded:\n${ran.output.trim()}`);
          if (step.mode !== "expect-fail" && ran.failures.length > 0) problems.push(`${label}: ${ran.failures.length} command(s) failed (exit ${ran.failures.join(", ")}):\n${ran.output.trim()}`);
          await attribute(lesson.id);
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
        await attribute(lesson.id);
      }
      expect(problems, problems.join("\n\n")).toEqual([]);
    });
  }
});
