// The content self-test: proves on a real cluster that each exercise fails before its
// reference solution and passes after it, that each of its wrong answers is refused with the
// words that say why and each alternative answer is accepted, and that opening a lesson (all
// its setups) solves none of its exercises. Shared by test/integration/content and by
// `npm run lessons:prove`.
import type { AlternativeAnswer, Exercise, WrongAnswer } from "@/sandbox/grader/exercise-schema";
import { execBounded, type GradeTarget, TIMED_OUT } from "./engine";
import { Grading } from "./grading";
import type { ResultsDocument } from "./results";
import { SetupError } from "./setup";

/** The prover grades as a Check does, each lab under its own key. */
const grading = new Grading();

/** A lab to prove in: its exec, and a way back to a fresh cluster. */
export interface ProveLab {
  /** Names the lab to the grading's setups, as the app names a learner's lab by its sandbox id. */
  key: string;
  target: GradeTarget;
  reset(): Promise<void>;
}

export type ProofStep = "reset" | "setup" | "before" | "solve" | "after" | "wrong" | "alternative";

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
  /** How many wrong and alternative answers were proved (refused, accepted). */
  wrongProved: number;
  alternativesProved: number;
  durationMs: number;
}

export interface ProveOptions {
  /** How long the cluster may take to settle after an answer (default: settleMsFor the lab's profile). */
  settleMs?: number;
  solveTimeoutMs?: number;
  onStep?(step: ProofStep, exercise: string): void;
}

/**
 * How long an answer may take to settle before its verdict counts. On a sim lab only
 * controllers act (seconds). On a node lab the answer's apps really start: WordPress copies its
 * files and starts Apache, MariaDB initialises its data directory, and the first request
 * compiles PHP. On a busy 2-core host (CI, two labs side by side) that took a minute and more,
 * and a learner who pressed Check then would be told to wait, not that the answer is wrong.
 */
export function settleMsFor(lab: ProveLab, options: ProveOptions): number {
  return options.settleMs ?? (lab.target.profile === "node" ? NODE_SETTLE_MS : SIM_SETTLE_MS);
}

export const SIM_SETTLE_MS = 30_000;
/** A node lab's settle time; tests that wait on a node lab's apps use it too. */
export const NODE_SETTLE_MS = 150_000;

function checkLines(doc: ResultsDocument, statuses: string[]): string {
  return doc.checks
    .filter((c) => statuses.includes(c.status))
    .map((c) => `    check ${c.id} [${c.status}]: ${c.message.en}`)
    .join("\n");
}

export async function proveExercise(lab: ProveLab, lessonId: string, exercise: Exercise, options: ProveOptions = {}): Promise<ExerciseProof> {
  const t0 = performance.now();
  const where = `${lessonId} / ${exercise.id}`;
  const proof: ExerciseProof = { lessonId, exerciseId: exercise.id, ok: false, attempts: 0, wrongProved: 0, alternativesProved: 0, durationMs: 0 };
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
    await grading.prepare(lab.key, input, lab.target);
  } catch (error) {
    return done("setup", error instanceof SetupError ? error.text.en : (error as Error).message);
  }

  options.onStep?.("before", exercise.id);
  proof.before = await grading.grade(input, lab.target);
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
  const settleMs = settleMsFor(lab, options);
  const deadline = performance.now() + settleMs;
  for (;;) {
    proof.attempts++;
    proof.after = await grading.grade(input, lab.target);
    if (proof.after.outcome === "pass") break;
    if (performance.now() > deadline) {
      return done("after", `still not passing ${Math.round(settleMs / 1000)} s after the solution:\n${checkLines(proof.after, ["fail", "error"])}`);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }

  for (const [i, wrong] of (exercise.wrong ?? []).entries()) {
    options.onStep?.("wrong", exercise.id);
    const failure = await proveWrong(lab, input, wrong, options);
    if (failure) return done("wrong", `wrong answer ${i + 1} (${firstLine(wrong.run)}): ${failure}`);
    proof.wrongProved++;
  }
  for (const [i, alternative] of (exercise.alternative ?? []).entries()) {
    options.onStep?.("alternative", exercise.id);
    const failure = await proveAlternative(lab, input, alternative, options);
    if (failure) return done("alternative", `alternative answer ${i + 1} (${alternative.way}): ${failure}`);
    proof.alternativesProved++;
  }
  return done(undefined);
}

const firstLine = (script: string) => script.trim().split("\n")[0]!.slice(0, 80);
const plain = (text: string) => text.replace(/`/g, "");

/** A fresh cluster with the exercise's setup, then `run` as the learner; a failure text or undefined. */
async function startFrom(lab: ProveLab, input: { lessonId: string; exercise: Exercise }, run: string, options: ProveOptions): Promise<string | undefined> {
  try {
    await lab.reset();
    await grading.prepare(lab.key, input, lab.target);
  } catch (error) {
    return `the lab could not be prepared: ${error instanceof SetupError ? error.text.en : (error as Error).message}`;
  }
  const r = await execBounded(lab.target, ["bash", "-eo", "pipefail", "-c", run], options.solveTimeoutMs ?? 120_000).catch((e: Error) => ({ exitCode: -1, stdout: "", stderr: e.message }));
  if (r.exitCode !== 0) return `its commands exited with ${r.exitCode}:\n${(r.stderr || r.stdout).trim().split("\n").slice(-5).join("\n")}`;
  return undefined;
}

/**
 * A wrong answer: the exercise must not pass, and its named check must fail with the words
 * given (in either language). The cluster may take a moment to settle into the wrong state,
 * so it is graded until the check says so or the settle time is over; a pass at any point fails.
 */
async function proveWrong(lab: ProveLab, input: { lessonId: string; exercise: Exercise }, wrong: WrongAnswer, options: ProveOptions): Promise<string | undefined> {
  const problem = await startFrom(lab, input, wrong.run, options);
  if (problem) return problem;
  const deadline = performance.now() + settleMsFor(lab, options);
  for (;;) {
    const doc = await grading.grade(input, lab.target);
    if (doc.outcome === "pass") return `the exercise passes, but this answer is wrong:\n${checkLines(doc, ["pass"])}`;
    const check = doc.checks.find((c) => c.id === wrong.fails);
    const said = check ? `${plain(check.message.en)}\n${plain(check.message.ko)}` : "";
    const missing = wrong.says.filter((w) => !said.includes(w));
    if (check?.status === "fail" && missing.length === 0) return undefined;
    if (performance.now() > deadline) {
      return check?.status !== "fail"
        ? `check ${wrong.fails} should fail but is ${check?.status ?? "missing"}:\n${checkLines(doc, ["pass", "fail", "error"])}`
        : `check ${wrong.fails} fails but its message lacks ${missing.map((w) => `"${w}"`).join(", ")}: ${check.message.en} / ${check.message.ko}`;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** A right answer reached another way: every check passes once the cluster has settled. */
async function proveAlternative(lab: ProveLab, input: { lessonId: string; exercise: Exercise }, alternative: AlternativeAnswer, options: ProveOptions): Promise<string | undefined> {
  const problem = await startFrom(lab, input, alternative.run, options);
  if (problem) return problem;
  const deadline = performance.now() + settleMsFor(lab, options);
  for (;;) {
    const doc = await grading.grade(input, lab.target);
    if (doc.outcome === "pass") return undefined;
    if (performance.now() > deadline) return `it is refused, but it is right:\n${checkLines(doc, ["fail", "error"])}`;
    await new Promise((r) => setTimeout(r, 1000));
  }
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
      await grading.prepare(lab.key, { lessonId, exercise }, lab.target);
    } catch (error) {
      return [`${lessonId} / ${exercise.id}: its setup fails after the lesson's earlier setups: ${error instanceof SetupError ? error.text.en : (error as Error).message}`];
    }
  }
  const failures: string[] = [];
  for (const exercise of exercises) {
    const doc = await grading.grade({ lessonId, exercise }, lab.target);
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
