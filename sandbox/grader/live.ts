// Live checking for one lab and one lesson: re-grades the lesson's exercises whenever the
// cluster changes, and every few seconds for exercises with command checks (a command's
// result cannot be watched).
//
// A change is noticed by a long poll through the provider's exec: one script in the lab runs
// `kubectl get <kind> -A --watch-only` per kind (kubectl watches one kind at a time) into a
// FIFO and returns at the first line, or after 25 s of quiet. The script writes its pid to
// /tmp so that stop() can end it and its kubectl children at once; each kubectl also runs
// under `timeout`, so nothing outlives a server that died without stopping.
import { randomBytes } from "node:crypto";
import type { Exercise } from "@/app/_lib/lessons/exercise-schema";
import { DEFAULT_GRADE_TIMEOUT_MS, gradeExercise, type GradeTarget, readCluster } from "./engine";
import { resourceOf } from "./kinds";
import type { ResultsDocument } from "./results";

export const LIVE_TIMING = {
  /** A watch returns after this much quiet, so a dead exec stream is noticed. */
  watchSeconds: 25,
  /** Changes come in bursts (a Deployment's pods); grade once the burst has passed... */
  debounceMs: 300,
  /** ...but never wait longer than this after the first change. */
  maxDelayMs: 1500,
  commandPollMs: 5000,
  backoffMaxMs: 15_000,
};

const WATCH_SCRIPT = `
pidfile="/tmp/$0.pid"
echo $$ > "$pidfile"
d="/tmp/$0.d"
mkdir -p "$d" && rm -f "$d/events" && mkfifo "$d/events" || exit 3
for r in "\${@:2}"; do
  timeout $(( $1 + 30 )) kubectl get "$r" -A --watch-only -o name --request-timeout=0 >"$d/events" 2>>"$d/err" &
done
if read -r -t "$1" line <"$d/events"; then
  echo "event $line"
elif [ $? -gt 128 ]; then
  echo "quiet"
else
  echo "closed"
  tail -n 3 "$d/err" >&2
fi
pkill -P $$ 2>/dev/null
wait 2>/dev/null
rm -rf "$d" "$pidfile"
`;

const STOP_SCRIPT = `p=$(cat "/tmp/$0.pid" 2>/dev/null) || exit 0
pkill -P "$p" 2>/dev/null
kill "$p" 2>/dev/null
rm -rf "/tmp/$0.pid" "/tmp/$0.d"
exit 0`;

export interface LiveChecks {
  /** Ends the watch in the lab (no kubectl is left behind) and every timer; resolves when done. */
  stop(): Promise<void>;
  /** Grades every exercise now and emits every document, changed or not. */
  refresh(): void;
}

/** What a learner sees of a document: a re-grade that changes nothing is not emitted again. */
function fingerprint(doc: ResultsDocument): string {
  return JSON.stringify([doc.outcome, doc.error, doc.checks.map((c) => [c.id, c.status, c.message, c.expected, c.found])]);
}

export function startLiveChecks(opts: {
  lessonId: string;
  exercises: Exercise[];
  target: GradeTarget;
  onResults(doc: ResultsDocument): void;
  onError?(e: Error): void;
}): LiveChecks {
  const { lessonId, exercises, target } = opts;
  const marker = `kubelab-live-${randomBytes(6).toString("hex")}`;
  const kinds = [...new Set(exercises.flatMap((e) => e.checks.flatMap((c) => (c.select ? [c.select.kind] : []))))];
  const withCommands = exercises.filter((e) => e.checks.some((c) => c.command !== undefined));
  const lastSent = new Map<string, string>();
  const report = (e: unknown) => opts.onError?.(e instanceof Error ? e : new Error(String(e)));

  let stopped = false;
  let grading = false;
  let pending: { exercises: Set<Exercise>; force: boolean } | undefined;
  let debounce: NodeJS.Timeout | undefined;
  let firstChangeAt = 0;
  let wake: (() => void) | undefined;

  async function gradeNow(which: Exercise[], force: boolean): Promise<void> {
    if (grading) {
      pending ??= { exercises: new Set(), force: false };
      which.forEach((e) => pending!.exercises.add(e));
      pending.force ||= force;
      return;
    }
    grading = true;
    try {
      const needed = [...new Set(which.flatMap((e) => e.checks.flatMap((c) => (c.select ? [c.select.kind] : []))))];
      const clusterRead = needed.length > 0 ? readCluster(target, needed, DEFAULT_GRADE_TIMEOUT_MS) : undefined;
      for (const exercise of which) {
        const doc = await gradeExercise({ lessonId, exercise }, target, { clusterRead });
        if (stopped) return;
        const print = fingerprint(doc);
        if (force || lastSent.get(exercise.id) !== print) {
          lastSent.set(exercise.id, print);
          try {
            opts.onResults(doc);
          } catch (error) {
            report(error);
          }
        }
      }
    } catch (error) {
      report(error);
    } finally {
      grading = false;
    }
    if (pending && !stopped) {
      const next = pending;
      pending = undefined;
      await gradeNow([...next.exercises], next.force);
    }
  }

  function changed(): void {
    if (stopped) return;
    const now = Date.now();
    if (!debounce) firstChangeAt = now;
    else if (now - firstChangeAt >= LIVE_TIMING.maxDelayMs) return;
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      debounce = undefined;
      void gradeNow(exercises, false);
    }, LIVE_TIMING.debounceMs);
  }

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => (clearTimeout(t), resolve());
    });

  async function watchLoop(): Promise<void> {
    let failures = 0;
    while (!stopped) {
      let line = "";
      let detail = "";
      try {
        const r = await target.exec(["bash", "-c", WATCH_SCRIPT, marker, String(LIVE_TIMING.watchSeconds), ...kinds.map(resourceOf)], {
          user: "learner",
          timeoutMs: (LIVE_TIMING.watchSeconds + 10) * 1000,
        });
        line = r.stdout.trim().split("\n")[0] ?? "";
        detail = r.stderr.trim() || `exit ${r.exitCode}`;
      } catch (error) {
        detail = (error as Error).message;
      }
      if (stopped) return;
      if (line.startsWith("event")) {
        failures = 0;
        changed();
        continue;
      }
      if (line === "quiet") {
        failures = 0;
        continue;
      }
      // The watch could not run: the cluster is stopped or unreachable. Grade (which says
      // so, as `error`) and try again later.
      failures++;
      report(new Error(`live watch in the lab ended (${line || "no answer"}): ${detail}`));
      changed();
      await sleep(Math.min(1000 * 2 ** failures, LIVE_TIMING.backoffMaxMs));
    }
  }

  const watching = kinds.length > 0 ? watchLoop() : Promise.resolve();
  const poll = withCommands.length > 0 ? setInterval(() => void gradeNow(withCommands, false), LIVE_TIMING.commandPollMs) : undefined;
  void gradeNow(exercises, true);

  return {
    refresh: () => {
      if (!stopped) void gradeNow(exercises, true);
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      clearTimeout(debounce);
      clearInterval(poll);
      wake?.();
      // A watch exec that was just starting may not have written its pid yet: kill until it ends.
      let ended = false;
      void watching.then(() => (ended = true));
      for (let attempt = 0; kinds.length > 0 && !ended && attempt < 10; attempt++) {
        await target.exec(["bash", "-c", STOP_SCRIPT, marker], { user: "learner", timeoutMs: 10_000 }).catch(report);
        await Promise.race([watching, new Promise((r) => setTimeout(r, 500))]);
      }
      await watching;
    },
  };
}
