// What the exercise cards of one lesson page know, shared by every card and the lesson's
// status line: stored progress (asked once on load), the results on show, and the checks
// that passed during the current attempt. Cards sit in separate parts of server-rendered
// MDX, so they meet in this module store rather than through props.
import { useSyncExternalStore } from "react";
import { checkExerciseAction, lessonProgressAction } from "@/app/_lib/grader/actions";
import type { LiveFrame, ProgressSnapshot } from "@/app/_lib/grader/live-frames";
import type { ResultsDocument } from "@/sandbox/grader/results";
import { afterCheck, afterLive } from "./latch";
import { dataOf } from "@/app/_lib/actions/result";

export type CheckFailure = "no-lab" | "unreachable" | "too-often" | "not-saved";

export interface CardState {
  progress: ProgressSnapshot;
  /** The results on show, all from one evaluation: the last Check, the last stored result, or live checking (see latch.ts). */
  results: ResultsDocument | null;
  /** Whether the learner pressed Check on this page (until then, live fails show as not yet checked). */
  checkedHere: boolean;
  checking: boolean;
  failure: CheckFailure | null;
  /** With failure "too-often": how long until Check is taken again. */
  retryAfterSeconds?: number;
  /** How many hints the learner has opened. */
  hints: number;
}

export interface LessonState {
  loaded: boolean;
  live: "off" | Exclude<LiveFrame["type"], "results" | "refused">;
  /** Why the server would not check live on this page (too many tabs or lessons, signed out). */
  liveRefused?: Extract<LiveFrame, { type: "refused" }>["reason"];
  cards: Record<string, CardState>;
}

const EMPTY_CARD: CardState = { progress: { attempts: 0, firstPassedAt: null }, results: null, checkedHere: false, checking: false, failure: null, hints: 0 };
const EMPTY_LESSON: LessonState = { loaded: false, live: "off", cards: {} };

const lessons = new Map<string, LessonState>();
const listeners = new Set<() => void>();

function update(lessonId: string, change: (s: LessonState) => LessonState): void {
  lessons.set(lessonId, change(lessons.get(lessonId) ?? EMPTY_LESSON));
  for (const l of listeners) l();
}

function updateCard(lessonId: string, exerciseId: string, change: (c: CardState) => CardState): void {
  update(lessonId, (s) => ({ ...s, cards: { ...s.cards, [exerciseId]: change(s.cards[exerciseId] ?? EMPTY_CARD) } }));
}

export function cardOf(state: LessonState, exerciseId: string): CardState {
  return state.cards[exerciseId] ?? EMPTY_CARD;
}

export function isDone(card: CardState): boolean {
  return card.progress.firstPassedAt !== null;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useLessonState(lessonId: string): LessonState {
  return useSyncExternalStore(
    subscribe,
    () => lessons.get(lessonId) ?? EMPTY_LESSON,
    () => EMPTY_LESSON,
  );
}

const loading = new Set<string>();

/** Asks the server once per page for this learner's stored progress. */
export async function loadProgress(lessonId: string): Promise<void> {
  if (loading.has(lessonId) || lessons.get(lessonId)?.loaded) return;
  loading.add(lessonId);
  try {
    const rows = dataOf(await lessonProgressAction({ lessonId }));
    update(lessonId, (s) => {
      const cards = { ...s.cards };
      for (const row of rows) {
        const card = cards[row.exerciseId] ?? EMPTY_CARD;
        // A Check answered while this was on its way is newer; keep it.
        if (card.checkedHere) continue;
        cards[row.exerciseId] = {
          ...card,
          progress: { attempts: row.attempts, firstPassedAt: row.firstPassedAt },
          results: row.lastResults,
        };
      }
      return { ...s, loaded: true, cards };
    });
  } catch {
    // Offline or restarting: the cards work without stored progress and a Check stores anew.
  } finally {
    loading.delete(lessonId);
  }
}

/** The Check button: a new attempt, so nothing stays latched from the previous one. */
export async function checkExercise(lessonId: string, exerciseId: string): Promise<void> {
  updateCard(lessonId, exerciseId, (c) => ({ ...c, checking: true, failure: null }));
  try {
    const result = await checkExerciseAction({ lessonId, exerciseId });
    if (!result.ok && result.error === "rateLimited") {
      const retryAfterSeconds = result.retryAfterSeconds ?? 1;
      updateCard(lessonId, exerciseId, (c) => ({ ...c, checking: false, failure: "too-often", retryAfterSeconds }));
      return;
    }
    const answer = dataOf(result);
    if (answer.kind === "graded") {
      const { results, progress } = answer;
      updateCard(lessonId, exerciseId, (c) => ({ ...c, ...afterCheck(c, results), checking: false, checkedHere: true, progress }));
    } else if (answer.kind === "not-saved") {
      // The learner sees what the grader found; the attempt count stays, since nothing was kept.
      const { results } = answer;
      updateCard(lessonId, exerciseId, (c) => ({ ...c, ...afterCheck(c, results), checking: false, checkedHere: true, failure: "not-saved" }));
    } else {
      updateCard(lessonId, exerciseId, (c) => ({ ...c, checking: false, failure: "no-lab" }));
    }
  } catch {
    updateCard(lessonId, exerciseId, (c) => ({ ...c, checking: false, failure: "unreachable" }));
  }
}

/** A live evaluation: shown whole, unless a pass is on show or the lab could not be read (latch.ts). */
export function applyLiveFrame(lessonId: string, frame: LiveFrame): void {
  if (frame.type === "refused") {
    update(lessonId, (s) => ({ ...s, live: "off", liveRefused: frame.reason }));
    return;
  }
  if (frame.type !== "results") {
    update(lessonId, (s) => ({ ...s, live: frame.type, liveRefused: undefined }));
    return;
  }
  const { results, progress } = frame;
  updateCard(lessonId, results.exerciseId, (c) => ({ ...c, ...afterLive(c, results), progress: progress ?? c.progress }));
}

export function showNextHint(lessonId: string, exerciseId: string): void {
  updateCard(lessonId, exerciseId, (c) => ({ ...c, hints: c.hints + 1 }));
}

export function setLive(lessonId: string, live: LessonState["live"]): void {
  update(lessonId, (s) => (s.live === live ? s : { ...s, live }));
}
