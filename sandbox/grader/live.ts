// Live checking for one lab and one lesson: re-grades the lesson's exercises whenever the
// cluster changes, and every few seconds for exercises with command checks or checks on
// behaviour (logs, exec, http: their result cannot be watched).
//
// A change is noticed by a long poll through the provider's exec: one script in the lab
// watches every kind the lesson selects and returns at the first change, or after 25 s of
// quiet. Watches are `curl` on the apiserver's watch API with the learner's own kubeconfig
// credentials (kubectl watches one kind per process, and a kubectl start costs ~15 times a
// curl's CPU), resumed from the last resourceVersion seen, so nothing that happens between two
// polls is missed. The script drains further events for 300 ms before answering (a rollout
// is a burst of pod events), so one burst costs one poll and one grade. Kinds without a known
// API path are watched by `kubectl get --watch-only`. The script writes its pid to
// $TMPDIR/<marker>.pid (the grader's own temp dir, which the learner cannot enter; the
// client key copied for curl lives there too) so that stop() can end it and its children
// at once; every watch also has
// its own time limit, so nothing outlives a server that died without stopping.
import { randomBytes } from "node:crypto";
import type { Exercise } from "@/sandbox/grader/exercise-schema";
import { AS_GRADER, type ClusterRead, DEFAULT_GRADE_TIMEOUT_MS, gradeExercise, type GradeTarget, LAB_BIN, readCluster } from "./engine";
import { isPolled, kindsRead } from "./evaluate";
import { apiPathOf, resourceOf } from "./kinds";
import type { ResultsDocument } from "./results";
import { PICTURE_KINDS, SYSTEM_NAMESPACES } from "@/sandbox/picture/schema";

export const LIVE_TIMING = {
  /** A watch returns after this much quiet, so a dead exec stream is noticed. */
  watchSeconds: 25,
  /** The in-lab script gathers the rest of a burst this long before it answers (see WATCH_SCRIPT). */
  burstSeconds: 0.3,
  /** Further coalescing on this side, for changes noticed by the poll and the watch at once. */
  debounceMs: 50,
  /** Never wait longer than this after the first change... */
  maxDelayMs: 1500,
  /** ...and re-grade after a change at most this often. */
  minGradeIntervalMs: 1000,
  commandPollMs: 5000,
  backoffMaxMs: 15_000,
};

// $0 marker, $1 quiet seconds, $2 burst seconds, $3 resourceVersion to resume from ("" = now),
// then one "apiPath|kubectlResource" per kind. Prints "from <resourceVersion>" as soon as it
// knows where it starts (so a watch ended early, to watch other kinds, still says it), then
// "event <max resourceVersion>", "quiet", "expired" (the resourceVersion is too old: start
// again from now) or "closed" (no watch ran).
const WATCH_SCRIPT = `
pidfile="$TMPDIR/$0.pid"
echo $$ > "$pidfile"
d="$TMPDIR/$0.d"
mkdir -p -m 700 "$d" || exit 3
seconds=$1 burst=$2 rv=$3
shift 3
if [ ! -s "$d/key" ]; then
  read -r server ca crt key < <(kubectl config view --raw --minify -o jsonpath='{.clusters[0].cluster.server} {.clusters[0].cluster.certificate-authority-data} {.users[0].user.client-certificate-data} {.users[0].user.client-key-data}' 2>/dev/null)
  if [ -n "$key" ]; then
    printf %s "$server" > "$d/server"
    printf %s "$ca" | base64 -d > "$d/ca" && printf %s "$crt" | base64 -d > "$d/crt" && (umask 077; printf %s "$key" | base64 -d > "$d/key") || rm -f "$d/key"
  fi
fi
rm -f "$d/events" "$d/err"
mkfifo "$d/events" || exit 3
tls=()
if [ -s "$d/key" ]; then
  server=$(cat "$d/server")
  # A curl user agent gets pretty-printed JSON from the apiserver; one object per line is wanted.
  tls=(-A kubelab-live --cacert "$d/ca" --cert "$d/crt" --key "$d/key")
  if [ -z "$rv" ]; then
    rv=$(curl -s --max-time 5 "\${tls[@]}" "$server/api/v1/namespaces?limit=1" | grep -o '"resourceVersion": *"[0-9]*"' | head -n 1 | tr -dc 0-9)
  fi
  echo "from $rv"
fi
for spec in "$@"; do
  path=\${spec%%|*} resource=\${spec#*|}
  if [ -n "$path" ] && [ \${#tls[@]} -gt 0 ]; then
    sep='?'; [[ $path == *'?'* ]] && sep='&'
    curl -sN --max-time $(( seconds + 30 )) "\${tls[@]}" "$server$path\${sep}watch=1&timeoutSeconds=$(( seconds + 20 ))&resourceVersion=$rv" >"$d/events" 2>>"$d/err" &
  else
    timeout $(( seconds + 30 )) kubectl get "$resource" -A --watch-only -o name >"$d/events" 2>>"$d/err" &
  fi
done
exec 3<"$d/events"
if read -r -t "$seconds" line <&3; then
  max=0 n=0 expired=
  version='"resourceVersion": *"([0-9]+)"'
  while :; do
    case "$line" in '{"type":"ERROR"'*) expired=1 ;; esac
    if [[ $line =~ $version ]] && (( BASH_REMATCH[1] > max )); then max=\${BASH_REMATCH[1]}; fi
    n=$(( n + 1 ))
    [ $n -ge 2000 ] && break
    read -r -t "$burst" line <&3 || break
  done
  if [ -n "$expired" ]; then echo expired; else echo "event $max"; fi
elif [ $? -gt 128 ]; then
  echo quiet
else
  echo closed
  tail -n 3 "$d/err" >&2
fi
exec 3<&-
pkill -P $$ 2>/dev/null
wait 2>/dev/null
rm -f "$pidfile" "$d/events" "$d/err"
`;

const STOP_SCRIPT = `p=$(cat "$TMPDIR/$0.pid" 2>/dev/null) && { pkill -P "$p"; kill "$p"; } 2>/dev/null
rm -rf "$TMPDIR/$0.pid" "$TMPDIR/$0.d"
exit 0`;

// Ends the running watch only (its temp dir, with the copied credentials, stays for the next
// one); prints "ended" when there was one to end.
const END_WATCH_SCRIPT = `p=$(cat "$TMPDIR/$0.pid" 2>/dev/null) && kill -0 "$p" 2>/dev/null && { pkill -P "$p"; kill "$p"; echo ended; } 2>/dev/null
exit 0`;

export interface LiveChecks {
  /** Ends the watch in the lab (no kubectl is left behind) and every timer; resolves when done. */
  stop(): Promise<void>;
  /** Grades every exercise now and emits every document, changed or not. */
  refresh(): void;
  /**
   * Widens this watch to the kinds the cluster picture is drawn from (sandbox/picture; the
   * system namespaces left out) and hands `onRead` a read of the cluster at once and after
   * every change, until the returned function is called. The same watch and the same read
   * serve the picture and the checks: a second watcher in the lab would double the curls and
   * the reads for one learner. Works with no exercises too (an instructor looking at a lab).
   */
  watchPicture(onRead: (read: ClusterRead) => void): () => void;
}

/** Watch specs ("apiPath|kubectlResource") of the picture's kinds outside the system namespaces. */
const PICTURE_SPECS = PICTURE_KINDS.map((kind) => {
  const field = kind === "Namespace" ? "metadata.name" : "metadata.namespace";
  const selector = encodeURIComponent(SYSTEM_NAMESPACES.map((ns) => `${field}!=${ns}`).join(","));
  return `${apiPathOf(kind) ?? ""}?fieldSelector=${selector}|${resourceOf(kind)}`;
});

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
  const kinds = [...new Set(exercises.flatMap((e) => e.checks.flatMap(kindsRead)))];
  // Whoever looks at the cluster picture now (at most one: the app shares one per lab).
  let pictureReader: ((read: ClusterRead) => void) | undefined;
  const kindsNow = () => (pictureReader ? [...new Set([...kinds, ...PICTURE_KINDS])] : kinds);
  const withCommands = exercises.filter((e) => e.checks.some(isPolled));
  const lastSent = new Map<string, string>();
  const lastOutcome = new Map<string, ResultsDocument["outcome"]>();
  const report = (e: unknown) => opts.onError?.(e instanceof Error ? e : new Error(String(e)));

  let stopped = false;
  let grading = false;
  let pending: { exercises: Set<Exercise>; force: boolean; reuse: boolean } | undefined;
  // The last successful read of every watched kind. Between two watch events nothing of
  // those kinds changed, so the command poll grades from it instead of reading again.
  let lastRead: Promise<ClusterRead> | undefined;
  let debounce: NodeJS.Timeout | undefined;
  let firstChangeAt = 0;
  let lastFullGradeAt = 0;
  let wake: (() => void) | undefined;

  async function gradeNow(which: Exercise[], force: boolean, reuse = false): Promise<void> {
    if (grading) {
      pending ??= { exercises: new Set(), force: false, reuse: true };
      which.forEach((e) => pending!.exercises.add(e));
      pending.force ||= force;
      pending.reuse &&= reuse;
      return;
    }
    grading = true;
    try {
      let clusterRead = reuse ? lastRead : undefined;
      if (!clusterRead && kindsNow().length > 0) {
        // The picture is handed the read the moment it arrives, before any grading.
        const reader = pictureReader;
        const read = readCluster(target, kindsNow(), DEFAULT_GRADE_TIMEOUT_MS);
        clusterRead = read;
        lastRead = undefined;
        void read.then((r) => {
          if (r.ok) lastRead = read;
          if (reader && reader === pictureReader && !stopped) handPicture(reader, r);
        });
      }
      for (const exercise of which) {
        const doc = await gradeExercise({ lessonId, exercise }, target, { clusterRead });
        if (stopped) return;
        lastOutcome.set(exercise.id, doc.outcome);
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
      await gradeNow([...next.exercises], next.force, next.reuse);
    }
  }

  // The picture reads at every change the watch reports, at once: grading waits for bursts to
  // settle and re-grades at most once a second, which a picture meant to follow the terminal
  // within a second cannot wait for. One read at a time; a change meanwhile reads once more.
  let pictureReading = false;
  let pictureAgain = false;
  async function readPictureNow(): Promise<void> {
    if (pictureReading) {
      pictureAgain = true;
      return;
    }
    pictureReading = true;
    try {
      do {
        pictureAgain = false;
        const reader = pictureReader;
        if (!reader || stopped) break;
        const read = await readCluster(target, kindsNow(), DEFAULT_GRADE_TIMEOUT_MS);
        if (reader === pictureReader && !stopped) handPicture(reader, read);
      } while (pictureAgain);
    } finally {
      pictureReading = false;
    }
  }

  function changed(): void {
    if (stopped) return;
    if (pictureReader) void readPictureNow();
    const now = Date.now();
    if (!debounce) firstChangeAt = now;
    else if (now - firstChangeAt >= LIVE_TIMING.maxDelayMs) return;
    clearTimeout(debounce);
    // A burst that outlasts the in-lab drain (pods starting one after another) is graded at
    // most once a second; the first change of a quiet cluster is graded at once.
    const wait = Math.max(LIVE_TIMING.debounceMs, lastFullGradeAt + LIVE_TIMING.minGradeIntervalMs - now);
    debounce = setTimeout(() => {
      debounce = undefined;
      lastFullGradeAt = Date.now();
      void gradeNow(exercises, false);
    }, wait);
  }

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => (clearTimeout(t), resolve());
    });

  function handPicture(reader: (read: ClusterRead) => void, read: ClusterRead): void {
    try {
      reader(read);
    } catch (error) {
      report(error);
    }
  }

  // The watch restarts when its kinds change (the picture opened or closed): the running watch
  // exec is ended and the loop starts the next one over the kinds wanted now. `iterations`
  // counts watch execs that returned, so a restart never kills the exec that follows.
  let restartRequested = false;
  let execRunning = false;
  let iterations = 0;
  let iterationEnded: Promise<void> = Promise.resolve();
  let watching: Promise<void> | undefined;
  /** Set while watchLoop runs; false the moment it leaves (no await between), unlike `watching`. */
  let looping = false;
  let resourceVersion = "";

  async function watchLoop(): Promise<void> {
    looping = true;
    let failures = 0;
    // A kind selected in one namespace only is watched there: kube-system's pods change
    // every few seconds and would re-grade for nothing.
    const specs = kinds.map((kind) => {
      // (A sameAs expectation reads its kind in a namespace of its own, kube-system's scheduler pod.)
      const namespaces = new Set(
        exercises.flatMap((e) =>
          e.checks.flatMap((c) => {
            if (!c.select || !kindsRead(c).includes(kind)) return [];
            const own = (c.expect ?? []).flatMap((x) => (x.sameAs?.kind === kind ? [x.sameAs.namespace] : []));
            return c.select.kind === kind || own.length === 0 ? [c.select.namespace, ...own] : own;
          }),
        ),
      );
      return `${apiPathOf(kind, namespaces.size === 1 ? [...namespaces][0] : undefined) ?? ""}|${resourceOf(kind)}`;
    });
    const specsNow = () => (pictureReader ? [...new Set([...specs, ...PICTURE_SPECS])] : specs);
    while (!stopped && specsNow().length > 0) {
      restartRequested = false;
      // After a failed watch, grade again at every attempt: a quiet watch would otherwise
      // leave the learner looking at the error until their next change.
      if (failures > 0) changed();
      let line = "";
      let detail = "";
      let ended = () => {};
      iterationEnded = new Promise<void>((resolve) => (ended = resolve));
      execRunning = true;
      try {
        const args = [marker, String(LIVE_TIMING.watchSeconds), String(LIVE_TIMING.burstSeconds), resourceVersion, ...specsNow()];
        const r = await target.exec([LAB_BIN.bash, "-c", WATCH_SCRIPT, ...args], { ...AS_GRADER, timeoutMs: (LIVE_TIMING.watchSeconds + 10) * 1000 });
        const lines = r.stdout.trim().split("\n");
        // Where the watch started: a watch that resumed from "now" and then ended without an
        // event (ended on purpose, or quiet) must not make the next one start from a later "now".
        const from = /^from ([1-9][0-9]*)$/.exec(lines[0] ?? "");
        if (from) {
          lines.shift();
          if (resourceVersion === "") resourceVersion = from[1]!;
        }
        line = lines[0] ?? "";
        detail = r.stderr.trim() || `exit ${r.exitCode}`;
      } catch (error) {
        detail = (error as Error).message;
      } finally {
        execRunning = false;
        iterations++;
        ended();
      }
      if (stopped) return void (looping = false);
      // Ended on purpose to watch other kinds: resume from the same version, no failure.
      if (restartRequested && !line.startsWith("event ")) continue;
      if (line.startsWith("event ") || line === "expired") {
        failures = 0;
        const seen = line.slice("event ".length);
        // No version seen (a kubectl-watched kind, or output we could not read): resume from
        // now rather than replay the same events forever.
        resourceVersion = line !== "expired" && /^[1-9][0-9]*$/.test(seen) ? seen : "";
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
    // Cleared with no await after the loop's last test, so a picture opened at that moment
    // finds the loop either still running (and is watched by it) or gone (and starts one).
    looping = false;
  }

  const ensureWatching = () => {
    if (looping || stopped || kindsNow().length === 0) return;
    const loop = watchLoop();
    watching = loop;
  };

  /** Ends the running watch exec so that the loop starts one over the kinds wanted now. */
  async function restartWatch(): Promise<void> {
    if (!looping) return ensureWatching();
    restartRequested = true;
    // Between two watches (a back-off after a failure): the next one starts over the new kinds now.
    if (!execRunning) return wake?.();
    const iteration = iterations;
    // A watch exec that was just starting may not have written its pid yet: try again until
    // one was ended (never twice, which could end the watch that follows it).
    for (let attempt = 0; iterations === iteration && attempt < 10 && !stopped; attempt++) {
      const r = await target.exec([LAB_BIN.bash, "-c", END_WATCH_SCRIPT, marker], { ...AS_GRADER, timeoutMs: 10_000 }).catch(report);
      if (r && r.stdout.includes("ended")) return;
      await Promise.race([iterationEnded, new Promise((r) => setTimeout(r, 500))]);
    }
  }

  ensureWatching();
  // A passing exercise is not polled: undoing the work changes the cluster, and any watched
  // change re-grades every exercise, commands included.
  const pollCommands = () => {
    const open = withCommands.filter((e) => lastOutcome.get(e.id) !== "pass");
    if (open.length > 0) void gradeNow(open, false, true);
  };
  const poll = withCommands.length > 0 ? setInterval(pollCommands, LIVE_TIMING.commandPollMs) : undefined;
  void gradeNow(exercises, true);

  return {
    refresh: () => {
      if (!stopped) void gradeNow(exercises, true);
    },
    watchPicture: (onRead) => {
      const reader = (read: ClusterRead) => onRead(read);
      const widened = pictureReader === undefined;
      pictureReader = reader;
      if (!stopped) {
        // A read for the picture now, then one after every change the widened watch sees.
        void readPictureNow();
        if (widened) void restartWatch();
      }
      return () => {
        if (pictureReader !== reader) return;
        pictureReader = undefined;
        if (!stopped) void restartWatch();
      };
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      clearTimeout(debounce);
      clearInterval(poll);
      wake?.();
      // A watch exec that was just starting may not have written its pid yet: kill until it ends.
      const running = watching;
      if (!running) return;
      let ended = false;
      void running.then(() => (ended = true));
      for (let attempt = 0; !ended && attempt < 10; attempt++) {
        await target.exec([LAB_BIN.bash, "-c", STOP_SCRIPT, marker], { ...AS_GRADER, timeoutMs: 10_000 }).catch(report);
        await Promise.race([running, new Promise((r) => setTimeout(r, 500))]);
      }
      await running;
    },
  };
}
