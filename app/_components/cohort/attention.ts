// Who needs the instructor during class. A cell is stuck after several attempts without a
// pass; a learner is quiet when nothing came from them for a while although exercises are
// left. Plain functions, shared by the matrix and its tests.

export const STUCK_AFTER_ATTEMPTS = 3;
export const QUIET_AFTER_MS = 10 * 60_000;

export interface CellProgress {
  attempts: number;
  firstPassedAt: string | null;
}

export type CellState = "passed" | "stuck" | "attempted" | "not-started";

export function cellState(cell: CellProgress | undefined): CellState {
  if (!cell) return "not-started";
  if (cell.firstPassedAt) return "passed";
  if (cell.attempts >= STUCK_AFTER_ATTEMPTS) return "stuck";
  return cell.attempts > 0 ? "attempted" : "not-started";
}

export interface LearnerAttention {
  passed: number;
  stuck: number;
  /** Minutes since their last activity, when that is long enough to matter. */
  quietMinutes: number | null;
  needsHelp: boolean;
}

export function learnerAttention(cells: (CellProgress | undefined)[], lastActivityAt: string | null, classRunning: boolean, now: number): LearnerAttention {
  const states = cells.map(cellState);
  const passed = states.filter((s) => s === "passed").length;
  const stuck = states.filter((s) => s === "stuck").length;
  const since = lastActivityAt ? now - Date.parse(lastActivityAt) : null;
  const quiet = classRunning && passed < cells.length && since !== null && since >= QUIET_AFTER_MS;
  return { passed, stuck, quietMinutes: quiet ? Math.floor(since / 60_000) : null, needsHelp: stuck > 0 || quiet };
}
