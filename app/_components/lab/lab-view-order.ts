// The panel hears about the lab from two places: the event stream and the answers of its own
// server actions. Both are snapshots, and an action's answer can arrive after the stream has
// already moved on (a warm lab is ready before the start action returns). These rules keep
// the panel from stepping back to an older snapshot of the same lab.
import type { LabView } from "@/sandbox/manager/view";

export type ViewSource = "stream" | "action";

/** How far one lab has come; a snapshot of the same lab never goes backwards. */
function progress(view: LabView): number {
  switch (view.state) {
    case "starting":
      return view.phase === "container" ? 1 : view.phase === "cluster" ? 2 : 3;
    case "ready":
      return 3;
    case "ended":
      return 4;
    default:
      return 0;
  }
}

const sandboxOf = (view: LabView): string | undefined => ("sandboxId" in view ? view.sandboxId : undefined);

export function mergeView(current: LabView, next: LabView, source: ViewSource): LabView {
  const currentId = sandboxOf(current);
  const nextId = sandboxOf(next);
  if (currentId !== undefined && currentId === nextId && progress(next) < progress(current)) return current;
  // A queue place reported by an action is stale once a lab of this learner is starting or running.
  if (source === "action" && next.state === "queued" && (current.state === "starting" || current.state === "ready")) return current;
  return next;
}
