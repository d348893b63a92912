// THE CONTENT SELF-TEST: every exercise of every lesson in content/ is proved on a real lab
// (fresh cluster, setup, must not pass, reference solution, must pass; then each `wrong:`
// answer must be refused with the words that say why, each `alternative:` accepted), every lesson is opened
// as a learner opens it (all setups; nothing may pass yet), plus the grader's
// fixture lesson, so the test never passes by finding nothing. A failure names the lesson,
// the exercise, the check and what the grader said. Authors run the same proof with
// `npm run lessons:prove -- <lessonId>`. Lessons with `lab: node` are proved on a node lab
// (real pods), the others on a sim lab: each on the lab a learner gets for it.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Exercise } from "@/sandbox/grader/exercise-schema";
import { readExercises } from "@/app/_lib/lessons/exercises";
import { lessonProfileIn, listLessonIds } from "@/app/_lib/lessons/source";
import { NODE_SETTLE_MS, proveExercise, proveLessonOpening } from "@/sandbox/grader/prove";
import { startThrowawayLab, type ThrowawayLab } from "@/sandbox/grader/prove-lab";
import type { LabProfile } from "@/sandbox/providers/types";
import { dealEvenly } from "../../support/deal";

interface LessonExercises {
  contentDir: string;
  lessonId: string;
  profile: LabProfile;
  exercises: Exercise[];
  /** A spec that does not parse: its own failing test, with the file, line and field. */
  problem?: string;
}

function collect(contentDir: string): LessonExercises[] {
  return listLessonIds(contentDir).flatMap((lessonId) => {
    try {
      const file = readExercises(contentDir, lessonId);
      return file ? [{ contentDir, lessonId, profile: lessonProfileIn(contentDir, lessonId), exercises: file.exercises }] : [];
    } catch (error) {
      return [{ contentDir, lessonId, profile: "sim" as const, exercises: [], problem: (error as Error).message }];
    }
  });
}

const content = collect(path.resolve("content"));
const fixture = collect(path.resolve("test/fixtures/content-grader"));

it("finds exercises to prove (the grader's fixture lesson at least)", () => {
  expect(fixture.flatMap((l) => l.exercises).length).toBeGreaterThan(0);
  expect(content.length + fixture.length).toBeGreaterThan(0);
});

/**
 * The lessons of one profile, proved on `labs` labs of it (started only when there is such a
 * lesson), each lab holding a share of the lessons in course order. All the labs run side by
 * side (the suites are concurrent siblings), each lesson and exercise in order on its own lab:
 * a proof waits mostly on its cluster (a node lab's apps starting, a sim lab's controllers),
 * not on the host's cores, and the file is the suite's longest.
 */
function proveOn(profile: LabProfile, lessons: LessonExercises[], labs: number): void {
  // About as many proofs on each lab (a proof is a reset, a solution or answer, and its settling).
  const proofs = (l: LessonExercises) => l.exercises.reduce((n, e) => n + 1 + (e.wrong?.length ?? 0) + (e.alternative?.length ?? 0), 1);
  for (const [i, share] of dealEvenly(lessons, labs, proofs).entries()) {
    if (share.length === 0) continue;
    describe.concurrent(`lessons on ${profile} lab ${i + 1} of ${labs}`, () => {
      let lab: ThrowawayLab;
      beforeAll(async () => {
        lab = await startThrowawayLab({ purpose: `it-content-${profile}-${i + 1}`, profile });
      });
      afterAll(async () => {
        await lab?.stop();
      });
      for (const lesson of share) proveLesson(lesson, () => lab);
    });
  }
}

const SIM_LABS = 1;
const NODE_LABS = 2;
proveOn("sim", [...fixture, ...content].filter((l) => l.profile === "sim"), SIM_LABS);
proveOn("node", [...fixture, ...content].filter((l) => l.profile === "node"), NODE_LABS);

function proveLesson(lesson: LessonExercises, labOf: () => ThrowawayLab): void {
  // In order: each proof resets the one lab of its profile.
  describe.sequential(lesson.lessonId, () => {
    if (lesson.problem) {
      it("has an exercise spec that parses", () => {
        throw new Error(lesson.problem);
      });
    }
    if (lesson.exercises.length > 1) {
      it(`${lesson.lessonId}: opening the lesson (every setup, in order) solves none of its exercises`, async () => {
        expect(await proveLessonOpening(labOf(), lesson.lessonId, lesson.exercises)).toEqual([]);
      });
    }
    for (const exercise of lesson.exercises) {
      const answerCount = (exercise.wrong?.length ?? 0) + (exercise.alternative?.length ?? 0);
      const answers = `${exercise.wrong?.length ?? 0} wrong and ${exercise.alternative?.length ?? 0} alternative answer(s)`;
      // A node lab's answers start real apps, each given settleMsFor a node lab to settle.
      const timeout = lesson.profile === "node" ? (2 + answerCount) * NODE_SETTLE_MS : 300_000;
      it(`${lesson.lessonId} / ${exercise.id} fails before its solution, passes after, and judges its ${answers} right`, { timeout }, async () => {
        const proof = await proveExercise(labOf(), lesson.lessonId, exercise);
        if (!proof.ok) throw new Error(proof.failure);
        expect(proof.before?.outcome).toBe("fail");
        expect(proof.after?.outcome).toBe("pass");
        expect(proof.wrongProved).toBe(exercise.wrong?.length ?? 0);
        expect(proof.alternativesProved).toBe(exercise.alternative?.length ?? 0);
      });
    }
  });
}
