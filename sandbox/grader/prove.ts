// The content self-test: proves on a real cluster that each exercise fails before its
// reference solution and passes after it, and that opening a lesson (all its setups) solves
// none of its exercises. Shared by test/integration/content and by
// `npm run lessons:prove`.
import type { Exercise } from "@/app/_lib/lessons/exercise-schema";
import { execBounded, gradeExercise, type GradeTarget, TIMED_OUT } from "./engine";
import type { ResultsDocument } from "./results";
import { runSetup, SetupError } from "./setup";

/** A lab to prove in: its exec, and a way back to a fresh cluster. */
export interface ProveLab {
  target: GradeTarget;
  reset(): Promise<void>;
}

export type ProofStep = "reset" | "setup" | "before" | "solve" | "after";

export interface ExerciseProof {
  lessonId: string;
  exerciseId: string;
  ok: boolean;
  /** Where it went wrong, and a message naming lesson, exercise, check id and the grader's words. */
  failedAt?: ProofStep;
  failure?: string;
  before?: ResultsDocument;
  after?: ResultsDocument;
  /** Attempts needed after the solution before every check passed. */
  attempts: number;
  durationMs: number;
}

export interface ProveOptions {
  /** How long the cluster may take to settle after the solution (default 30 s). */
  settleMs?: number;
  solveTimeoutMs?: number;
  onStep?(step: ProofStep, exercise: string): void;
}

function checkLines(doc: ResultsDocument, statuses: string[]): string {
  return doc.checks
    .filter((c) => statuses.includes(c.status))
    .map((c) => `    check ${c.id} [${c.status}]: ${c.message.en}`)
    .join("\n");
}

export async function proveExercise(lab: ProveLab, lessonId: string, exercise: Exercise, options: ProveOptions = {}): Promise<ExerciseProof> {
  const t0 = performance.now();
  const where = `${lessonId} / ${exercise.id}`;
  const proof: ExerciseProof = { lessonId, exerciseId: exercise.id, ok: false, attempts: 0, durationMs: 0 };
  const done = (step: ProofStep | undefined, failure?: string): ExerciseProof => {
    proof.durationMs = Math.round(performance.now() - t0);
    if (step) Object.assign(proof, { failedAt: step, failure: `${where}: ${failure}` });
    else proof.ok = true;
    return proof;
  };
  const input = { lessonId, exercise };

  options.onStep?.("reset", exercise.id);
  try {
    await lab.reset();
  } catch (error) {
    return done("reset", `resetting the lab failed: ${(error as Error).message}`);
  }

  options.onStep?.("setup", exercise.id);
  try {
    await runSetup(input, lab.target);
  } catch (error) {
    return done("setup", error instanceof SetupError ? error.text.en : (error as Error).message);
  }

  options.onStep?.("before", exercise.id);
  proof.before = await gradeExercise(input, lab.target);
  if (proof.before.outcome === "error") return done("before", `the grader could not read the lab before the solution:\n${checkLines(proof.before, ["error"])}`);
  if (proof.before.outcome === "pass") return done("before", `every check already passes before the solution ran; at least one must fail:\n${checkLines(proof.before, ["pass"])}`);

  options.onStep?.("solve", exercise.id);
  const solveTimeoutMs = options.solveTimeoutMs ?? 120_000;
  const solved = await execBounded(lab.target, ["bash", "-eo", "pipefail", "-c", exercise.solve], solveTimeoutMs).catch((e: Error) => ({ exitCode: -1, stdout: "", stderr: e.message }));
  if (solved.exitCode !== 0) {
    const why = TIMED_OUT.has(solved.exitCode) ? `did not finish within ${solveTimeoutMs / 1000} s` : `exited with ${solved.exitCode}`;
    return done("solve", `the solution ${why}:\n${(solved.stderr || solved.stdout).trim().split("\n").slice(-5).join("\n")}`);
  }

  options.onStep?.("after", exercise.id);
  const deadline = performance.now() + (options.settleMs ?? 30_000);
  for (;;) {
    proof.attempts++;
    proof.after = await gradeExercise(input, lab.target);
    if (proof.after.outcome === "pass") return done(undefined);
    if (performance.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return done("after", `still not passing ${Math.round((options.settleMs ?? 30_000) / 1000)} s after the solution:\n${checkLines(proof.after, ["fail", "error"])}`);
}

/**
 * What a learner meets on opening a lesson: the page runs EVERY setup of the lesson, in order,
 * on their cluster. No setup may solve another exercise of the lesson (a setup that creates
 * the Deployment an earlier exercise asks for would tick that exercise before the learner
 * typed anything). Returns the failures, each naming the lesson and exercise; [] when fine.
 */
export async function proveLessonOpening(lab: ProveLab, lessonId: string, exercises: Exercise[]): Promise<string[]> {
  await lab.reset();
  for (const exercise of exercises) {
    try {
      await runSetup({ lessonId, exercise }, lab.target);
    } catch (error) {
      return [`${lessonId} / ${exercise.id}: its setup fails after the lesson's earlier setups: ${error instanceof SetupError ? error.text.en : (error as Error).message}`];
    }
  }
  const failures: string[] = [];
  for (const exercise of exercises) {
    const doc = await gradeExercise({ lessonId, exercise }, lab.target);
    if (doc.outcome === "pass") failures.push(`${lessonId} / ${exercise.id}: already passes when the lesson opens (after every setup of the lesson ran):\n${checkLines(doc, ["pass"])}`);
    if (doc.outcome === "error") failures.push(`${lessonId} / ${exercise.id}: the grader could not read the lab after the lesson's setups:\n${checkLines(doc, ["error"])}`);
  }
  return failures;
}

export async function proveLesson(lab: ProveLab, lessonId: string, exercises: Exercise[], options: ProveOptions = {}): Promise<ExerciseProof[]> {
  const proofs: ExerciseProof[] = [];
  for (const exercise of exercises) proofs.push(await proveExercise(lab, lessonId, exercise, options));
  return proofs;
}
