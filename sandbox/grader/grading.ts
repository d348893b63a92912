// The one way an exercise is graded on a lab, whoever asks: Check and live checks (the app,
// which records what comes out) and the prover (content self-test). Prepare first (the
// exercise's setup, once per cluster), then grade; a lesson's exercises are prepared in the
// lesson's order before they are watched live.
//
// Setups run one at a time per lab and exercise: the live stream and a Check can both want to
// prepare the same lab at the same moment, and a setup such as
// `kubectl get deployment web || kubectl create deployment web` is idempotent only when it
// runs alone (a second copy started meanwhile fails with "already exists"). Callers that
// arrive while a setup runs share its result; the app keeps one Grading per process.
import type { Exercise } from "./exercise-schema";
import { gradeExercise, type GradeTarget } from "./engine";
import { startLiveChecks, type LiveChecks } from "./live";
import { setupNotRun } from "./messages";
import { RESULTS_VERSION, type ResultsDocument } from "./results";
import { runSetup, SetupError } from "./setup";

export interface GradeInput {
  lessonId: string;
  exercise: Exercise;
}

export class Grading {
  private readonly setupsRunning = new Map<string, Promise<{ ran: boolean }>>();

  /**
   * Runs the exercise's setup unless this lab's cluster already had it (`labKey` names the
   * lab: its sandbox id). Throws SetupError, in both languages, when it cannot.
   */
  prepare(labKey: string, input: GradeInput, target: GradeTarget): Promise<{ ran: boolean }> {
    const key = `${labKey}/${input.lessonId}/${input.exercise.id}`;
    const inFlight = this.setupsRunning.get(key);
    if (inFlight) return inFlight;
    const started = runSetup(input, target).finally(() => this.setupsRunning.delete(key));
    this.setupsRunning.set(key, started);
    return started;
  }

  /** Every exercise of a lesson prepared in the lesson's order (what opening it does). */
  async prepareLesson(labKey: string, lessonId: string, exercises: Exercise[], target: GradeTarget, stillWanted: () => boolean = () => true): Promise<boolean> {
    for (const exercise of exercises) {
      await this.prepare(labKey, { lessonId, exercise }, target);
      if (!stillWanted()) return false;
    }
    return true;
  }

  /** One grading of the exercise as the lab is now; assumes it was prepared. */
  grade(input: GradeInput, target: GradeTarget): Promise<ResultsDocument> {
    return gradeExercise(input, target);
  }

  /**
   * A Check: prepared (a Check pressed before the live stream prepared this lab must grade the
   * exercise as its author set it up), then graded. A setup that cannot run is the lab's
   * problem, not the learner's: an `error` document, never a fail.
   */
  async check(labKey: string, input: GradeInput, target: GradeTarget): Promise<ResultsDocument> {
    try {
      await this.prepare(labKey, input, target);
    } catch (error) {
      return setupFailedDocument(input, error);
    }
    return this.grade(input, target);
  }

  /**
   * Live checks of a lesson: every exercise prepared in order, then watched. Returns null when
   * `stillWanted` turned false while preparing (the lab changed, the page closed).
   */
  async watchLesson(
    labKey: string,
    opts: { lessonId: string; exercises: Exercise[]; target: GradeTarget; stillWanted(): boolean; onResults(doc: ResultsDocument): void; onError(error: Error): void },
  ): Promise<LiveChecks | null> {
    if (!(await this.prepareLesson(labKey, opts.lessonId, opts.exercises, opts.target, opts.stillWanted))) return null;
    return startLiveChecks({ lessonId: opts.lessonId, exercises: opts.exercises, target: opts.target, onResults: opts.onResults, onError: opts.onError });
  }
}

/** The document for an exercise whose setup could not run. */
export function setupFailedDocument(input: GradeInput, error: unknown): ResultsDocument {
  return {
    version: RESULTS_VERSION,
    lessonId: input.lessonId,
    exerciseId: input.exercise.id,
    outcome: "error",
    gradedAt: new Date().toISOString(),
    durationMs: 0,
    checks: [],
    error: error instanceof SetupError ? error.text : setupNotRun(error instanceof Error ? error.message : String(error)),
  };
}
