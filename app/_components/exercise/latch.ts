// How a new evaluation changes what an exercise card shows. One card tells one story: every
// row on show comes from ONE evaluation, never a pass kept from an earlier moment beside a
// fail from a later one (issue 13: ✓ "the pod greeter exists" beside "there is no greeter
// pod", after the learner deleted the pod to make it again). So:
// - a Check shows what it found;
// - a live evaluation shows what it found, except that a whole pass stays on show until the
//   next Check (later exercises may change the objects; the card keeps the moment it passed);
// - a lab that could not be read changes nothing on show.
// Pure, so it is tested on its own.
import type { ResultsDocument } from "@/sandbox/grader/results";

export interface Shown {
  results: ResultsDocument | null;
}

/** A Check starts a new attempt and shows what it found, an unreadable lab included. */
export function afterCheck(_shown: Shown, results: ResultsDocument): Shown {
  return { results };
}

export function afterLive(shown: Shown, results: ResultsDocument): Shown {
  if (results.outcome === "error" && shown.results) return shown;
  if (shown.results?.outcome === "pass") return shown;
  return { results };
}
