// How a live evaluation changes what an exercise card shows. Within one attempt (from one
// Check to the next) a check that passed stays passed, whatever a later evaluation says, and
// a lab that could not be read changes nothing. Pure, so it is tested on its own.
import { type CheckResult, outcomeOf, type ResultsDocument } from "@/sandbox/grader/results";

export interface Shown {
  results: ResultsDocument | null;
  /** Ids of the checks that passed during this attempt. */
  latched: string[];
}

export function passedIds(results: ResultsDocument): string[] {
  return results.checks.filter((c) => c.status === "pass").map((c) => c.id);
}

/** A Check starts a new attempt: only what passes now is latched. An unreadable lab keeps the old picture. */
export function afterCheck(shown: Shown, results: ResultsDocument): Shown {
  if (results.outcome === "error" && results.error) return { results, latched: shown.latched };
  return { results, latched: passedIds(results) };
}

export function afterLive(shown: Shown, results: ResultsDocument): Shown {
  if (results.outcome === "error" && results.error) return shown;
  const latched = new Set(shown.latched);
  const before = new Map((shown.results?.checks ?? []).map((r) => [r.id, r]));
  const checks: CheckResult[] = results.checks.map((check) => {
    if (!latched.has(check.id) || check.status === "pass") return check;
    // Keep the passing row as it was shown (its message says why it passed).
    const shownRow = before.get(check.id);
    return shownRow?.status === "pass" ? shownRow : { ...check, status: "pass" };
  });
  for (const check of checks) if (check.status === "pass") latched.add(check.id);
  return { results: { ...results, checks, outcome: outcomeOf(checks) }, latched: [...latched] };
}
