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
//
// The cluster picture (watchPicture) rides on the same watch: the script lists the picture's
// kinds once, then hands back the events themselves, which keep the picture's objects
// (sandbox/picture/objects.ts) up to date with no read of the cluster per change. While the
// picture watches, a burst is handed back at most 250 ms after its first event.
import { randomBytes } from "node:crypto";
import type { Exercise } from "@/sandbox/grader/exercise-schema";
import { AS_GRADER, type ClusterRead, DEFAULT_GRADE_TIMEOUT_MS, GRADER_MAX_OUTPUT_BYTES, gradeExercise, type GradeTarget, LAB_BIN, readCluster } from "./engine";
import { GRADER_CREDENTIALS_SH } from "./lab-exec";
import { isPolled, type KubeObject, kindsRead } from "./evaluate";
import { apiPathOf, resourceOf } from "./kinds";
import * as say from "./messages";
import type { ResultsDocument } from "./results";
import { PICTURE_KINDS, SYSTEM_NAMESPACES } from "@/sandbox/picture/schema";
import { type PictureList, pictureListSchema, PictureObjects } from "@/sandbox/picture/objects";

export const LIVE_TIMING = {
  /** A watch returns after this much quiet, so a dead exec stream is noticed. */
  watchSeconds: 25,
  /** The in-lab script gathers the rest of a burst until it was this long quiet (see WATCH_SCRIPT)... */
  burstMs: 300,
  /**
   * ...but while the cluster picture watches, never longer than this after the burst's first
   * event: a rollout's pods start one after another for seconds, and the picture should show
   * each step within a second. (Without the picture a burst may run on: grading waits anyway.)
   */
  pictureBurstMs: 250,
  /** Further coalescing on this side, for changes noticed by the poll and the watch at once. */
  debounceMs: 50,
  /** Never wait longer than this after the first change... */
  maxDelayMs: 1500,
  /** ...and re-grade after a change at most this often. */
  minGradeIntervalMs: 1000,
  commandPollMs: 5000,
  backoffMaxMs: 15_000,
};

/** What one watch's events or one resync's lists may take of the grader's output cap; the rest is for the lines around them. */
const HAND_BACK_BYTES = GRADER_MAX_OUTPUT_BYTES - 1024 * 1024;

// $0 marker, $1 quiet seconds, $2 burst milliseconds, $3 longest burst in milliseconds, $4
// resourceVersion to resume from ("" = now), $5 "objects" to hand back the events themselves
// (the cluster picture follows them) or "", $6 "Kind|apiPath" entries, space-separated, to
// list whole instead of watching (the picture's resync) or "", then one
// "apiPath|kubectlResource" per kind. Prints "from <resourceVersion>" as soon as it knows
// where it starts (so a watch ended early, to watch other kinds, still says it).
// Watching, it then prints "event <max resourceVersion>", "quiet", "expired" (the
// resourceVersion is too old: start again from now) or "closed" (no watch ran); with
// "objects", after an event, "objects" and the events one per line (or "overflow" when they
// were too many to hand over). Listing, it prints "listed" and, per kind, "list <Kind>" and
// the list on one line; or "nolist" (no credentials for curl), "unlisted <Kind>", "toolarge".
//
// Each watch's curl feeds a relay of its own, which keeps the events in its own file and
// passes the main loop one short line per event (its resourceVersion, or E for an error):
// events several kilobytes long from six curls written into one fifo could interleave.
const WATCH_SCRIPT = `
pidfile="$TMPDIR/$0.pid"
echo $$ > "$pidfile"
d="$TMPDIR/$0.d"
mkdir -p -m 700 "$d" || exit 3
seconds=$1 burst=$2 span=$3 rv=$4 objects=$5 lists=$6
shift 6
limit=${HAND_BACK_BYTES}
finish() { rm -f "$pidfile" "$d/events" "$d/err" "$d"/ev.* "$d"/list.*; }
${GRADER_CREDENTIALS_SH}
grader_credentials
rm -f "$d/events" "$d/err" "$d"/ev.* "$d"/list.*
mkfifo "$d/events" || exit 3
tls=()
if [ -s "$creds/key" ]; then
  server=$(<"$creds/server")
  # A curl user agent gets pretty-printed JSON from the apiserver; one object per line is wanted.
  tls=(-A kubelab-live --cacert "$creds/ca" --cert "$creds/crt" --key "$creds/key")
  if [ -z "$rv" ]; then
    rv=$(curl -s --max-time 5 "\${tls[@]}" "$server/api/v1/namespaces?limit=1" | grep -o '"resourceVersion": *"[0-9]*"' | head -n 1 | tr -dc 0-9)
  fi
  echo "from $rv"
fi
if [ -n "$lists" ]; then
  # Listed after "from": the watch that follows resumes there, so nothing after the lists is missed.
  read -r -a specs <<< "$lists"
  if [ \${#tls[@]} -eq 0 ]; then
    status=nolist
  else
    status=listed
    for spec in "\${specs[@]}"; do
      kind=\${spec%%|*} path=\${spec#*|}
      curl -sf --max-time 10 "\${tls[@]}" "$server$path" >"$d/list.$kind" 2>>"$d/err" || { status="unlisted $kind"; break; }
    done
    [ "$status" = listed ] && [ "$(cat "$d"/list.* | wc -c)" -gt $limit ] && status=toolarge
  fi
  echo "$status"
  if [ "$status" = listed ]; then
    for spec in "\${specs[@]}"; do
      kind=\${spec%%|*}
      echo "list $kind"
      cat "$d/list.$kind"
      echo
    done
  fi
  finish
  exit 0
fi
relay() {
  local line version='"resourceVersion": *"([0-9]+)"'
  while IFS= read -r line; do
    printf '%s\\n' "$line" >&4
    case $line in
      '{"type":"ERROR"'*) echo E ;;
      *) if [[ $line =~ $version ]]; then echo "\${BASH_REMATCH[1]}"; else echo 0; fi ;;
    esac
  done 4>>"$1"
}
i=0
for spec in "$@"; do
  path=\${spec%%|*} resource=\${spec#*|}
  out=/dev/null
  [ -n "$objects" ] && out="$d/ev.$i"
  if [ -n "$path" ] && [ \${#tls[@]} -gt 0 ]; then
    sep='?'; [[ $path == *'?'* ]] && sep='&'
    curl -sN --max-time $(( seconds + 30 )) "\${tls[@]}" "$server$path\${sep}watch=1&timeoutSeconds=$(( seconds + 20 ))&resourceVersion=$rv" 2>>"$d/err" | relay "$out" >"$d/events" &
  else
    timeout $(( seconds + 30 )) kubectl get "$resource" -A --watch-only -o name 2>>"$d/err" | relay /dev/null >"$d/events" &
  fi
  i=$(( i + 1 ))
done
exec 3<"$d/events"
if read -r -t "$seconds" token <&3; then
  max=0 n=0 expired=
  # The drain ends after $burst ms of quiet, or $span ms after the first event.
  end=$(( \${EPOCHREALTIME/[.,]/} + span * 1000 ))
  while :; do
    if [ "$token" = E ]; then expired=1; elif (( token > max )); then max=$token; fi
    n=$(( n + 1 ))
    [ $n -ge 2000 ] && break
    left=$(( end - \${EPOCHREALTIME/[.,]/} ))
    [ $left -le 0 ] && break
    (( left > burst * 1000 )) && left=$(( burst * 1000 ))
    printf -v wait_s '%d.%06d' $(( left / 1000000 )) $(( left % 1000000 ))
    read -r -t "$wait_s" token <&3 || break
  done
  if [ -n "$expired" ]; then result=expired; else result="event $max"; fi
elif [ $? -gt 128 ]; then
  result=quiet
else
  result=closed
  tail -n 3 "$d/err" >&2
fi
exec 3<&-
pkill -P $$ 2>/dev/null
wait 2>/dev/null
echo "$result"
if [ -n "$objects" ] && [ \${#tls[@]} -gt 0 ] && [ "$result" != quiet ] && [ "$result" != closed ]; then
  if [ "$(cat "$d"/ev.* 2>/dev/null | wc -c)" -gt $limit ]; then echo overflow; else echo objects; cat "$d"/ev.* 2>/dev/null; fi
fi
finish
`;

const STOP_SCRIPT = `p=$(cat "$TMPDIR/$0.pid" 2>/dev/null) && { pkill -P "$p"; kill "$p"; } 2>/dev/null
rm -rf "$TMPDIR/$0.pid" "$TMPDIR/$0.d"
exit 0`;

// Ends the running watch only (its temp dir stays for the next one); prints "ended" when there was one to end.
const END_WATCH_SCRIPT = `p=$(cat "$TMPDIR/$0.pid" 2>/dev/null) && kill -0 "$p" 2>/dev/null && { pkill -P "$p"; kill "$p"; echo ended; } 2>/dev/null
exit 0`;

export interface LiveChecks {
  /** Ends the watch in the lab (no kubectl is left behind) and every timer; resolves when done. */
  stop(): Promise<void>;
  /** Grades every exercise now and emits every document, changed or not. */
  refresh(): void;
  /**
   * Widens this watch to the kinds the cluster picture is drawn from (sandbox/picture; the
   * system namespaces left out) and hands `onRead` those objects as soon as they are listed,
   * then after every change, kept up to date from the watch's own events (no read per change),
   * until the returned function is called. The same watch serves the picture and the checks:
   * a second watcher in the lab would double the curls for one learner. Works with no
   * exercises too (an instructor looking at a lab).
   */
  watchPicture(onRead: (read: ClusterRead) => void): () => void;
}

/** The picture's kinds outside the system namespaces: "Kind|apiPath", for a watch or a list. */
const PICTURE_PATHS = PICTURE_KINDS.map((kind) => {
  const field = kind === "Namespace" ? "metadata.name" : "metadata.namespace";
  const selector = encodeURIComponent(SYSTEM_NAMESPACES.map((ns) => `${field}!=${ns}`).join(","));
  return { kind, path: `${apiPathOf(kind) ?? ""}?fieldSelector=${selector}` };
});
/** Watch specs ("apiPath|kubectlResource") of the picture's kinds. */
const PICTURE_SPECS = PICTURE_PATHS.map(({ kind, path }) => `${path}|${resourceOf(kind)}`);
/** What the watch script lists for a resync of the picture. */
const PICTURE_LISTS = PICTURE_PATHS.map(({ kind, path }) => `${kind}|${path}`).join(" ");

/** What a learner sees of a document: a re-grade that changes nothing is not emitted again. */
function fingerprint(doc: ResultsDocument): string {
  return JSON.stringify([doc.outcome, doc.error, doc.checks.map((c) => [c.id, c.status, c.message, c.expected, c.found])]);
}

/** Lines that are JSON, parsed; any other (a relay ended mid-line) is left out. */
function parseLines(lines: readonly string[]): unknown[] {
  const out: unknown[] = [];
  for (const line of lines) {
    if (!line.startsWith("{")) continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      // A line cut short when the watch ended; its event comes again from the resumed watch.
    }
  }
  return out;
}

/** The lists of a resync ("list <Kind>" then the list, per kind), or why they cannot be used. */
function parseLists(lines: readonly string[]): Map<string, PictureList> | string {
  const lists = new Map<string, PictureList>();
  for (let i = 0; i < lines.length; i++) {
    const kind = /^list ([A-Za-z]+)$/.exec(lines[i]!)?.[1];
    if (!kind) continue;
    let parsed: ReturnType<typeof pictureListSchema.safeParse>;
    try {
      parsed = pictureListSchema.safeParse(JSON.parse(lines[i + 1] ?? ""));
    } catch {
      return `the ${kind} list is not JSON`;
    }
    if (!parsed.success) return `the ${kind} list is not a list of objects`;
    lists.set(kind, parsed.data);
  }
  const missing = PICTURE_KINDS.filter((k) => !lists.has(k));
  return missing.length > 0 ? `no list of ${missing.join(", ")}` : lists;
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
  // Whoever looks at the cluster picture now (at most one: the app shares one per lab), and
  // the objects it is drawn from, kept from the watch's events.
  let pictureReader: ((read: ClusterRead) => void) | undefined;
  let pictureObjects = new PictureObjects();
  /** A resync (a full list) is due before the next watch: set when the picture opens, and after a gap in the events. */
  let pictureListDue = true;
  /** The lab's watch cannot hand events back (no client certificate for curl): the picture is read at every change, as a fallback. */
  let pictureByReads = false;
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
      if (!clusterRead && kinds.length > 0) {
        const read = readCluster(target, kinds, DEFAULT_GRADE_TIMEOUT_MS);
        clusterRead = read;
        lastRead = undefined;
        void read.then((r) => {
          if (r.ok) lastRead = read;
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

  function handPicture(read: ClusterRead): void {
    const reader = pictureReader;
    if (!reader || stopped) return;
    try {
      reader(read);
    } catch (error) {
      report(error);
    }
  }

  const pictureRead = (): ClusterRead => ({ ok: true, byKind: pictureObjects.byKind() as Map<string, KubeObject[]>, unknownKinds: new Set() });

  // Only where the lab's watch cannot hand its events back: the picture reads the cluster at
  // every change the watch reports, one read at a time; a change meanwhile reads once more.
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
        const read = await readCluster(target, [...PICTURE_KINDS], DEFAULT_GRADE_TIMEOUT_MS);
        if (reader === pictureReader) handPicture(read);
      } while (pictureAgain);
    } finally {
      pictureReading = false;
    }
  }

  function changed(): void {
    if (stopped) return;
    if (pictureReader && pictureByReads) void readPictureNow();
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

  /** What a resync answered: the picture starts again from the lists, or says it could not look. */
  function pictureListed(status: string, lines: string[]): void {
    if (!pictureReader) return;
    if (status === "nolist") {
      pictureByReads = true;
      void readPictureNow();
      return;
    }
    const lists = status === "listed" ? parseLists(lines) : status === "toolarge" ? "too large" : status;
    if (typeof lists === "string") {
      // Listed again after the next change (no poll): until then the picture says it is old.
      pictureObjects = new PictureObjects();
      const tooLarge = lists === "too large" ? { tooLarge: say.outputTooLarge(HAND_BACK_BYTES) } : {};
      handPicture({ ok: false, detail: `the cluster picture could not list the lab's objects: ${lists}`, ...tooLarge });
      return;
    }
    pictureObjects.resync(lists);
    handPicture(pictureRead());
  }

  /** What a watch that saw events handed back: applied to the picture's objects. */
  function pictureEvents(lines: string[]): void {
    if (!pictureReader) return;
    if (pictureByReads) return; // changed() reads
    if (!pictureObjects.ready || lines[0] !== "objects") {
      // Too many to hand over ("overflow"), a watch started before the picture opened, or a
      // picture whose last list failed: list again before the next watch.
      pictureListDue = true;
      return;
    }
    if (pictureObjects.apply(parseLines(lines.slice(1)))) handPicture(pictureRead());
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
  const kindsNow = () => (pictureReader ? [...new Set([...kinds, ...PICTURE_KINDS])] : kinds);

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
      // The picture's objects are listed whole (and the watch follows at the next turn) when
      // it opens and after a gap in its events (a failed watch too: a list that answers is
      // the quickest sign that the lab is back).
      const listing = pictureReader !== undefined && pictureListDue && !pictureByReads;
      const objects = pictureReader !== undefined && !pictureByReads;
      let line = "";
      let rest: string[] = [];
      let detail = "";
      let ended = () => {};
      iterationEnded = new Promise<void>((resolve) => (ended = resolve));
      execRunning = true;
      try {
        const burst = objects ? LIVE_TIMING.pictureBurstMs : LIVE_TIMING.watchSeconds * 1000;
        const args = [marker, String(LIVE_TIMING.watchSeconds), String(LIVE_TIMING.burstMs), String(burst), resourceVersion, objects ? "objects" : "", listing ? PICTURE_LISTS : "", ...specsNow()];
        const r = await target.exec([LAB_BIN.bash, "-c", WATCH_SCRIPT, ...args], { ...AS_GRADER, timeoutMs: (LIVE_TIMING.watchSeconds + 10) * 1000 });
        const lines = r.stdout.split("\n");
        // Where the watch started: a watch that resumed from "now" and then ended without an
        // event (ended on purpose, or quiet) must not make the next one start from a later "now".
        const from = /^from ([1-9][0-9]*)$/.exec(lines[0] ?? "");
        if (from) {
          lines.shift();
          if (resourceVersion === "") resourceVersion = from[1]!;
        }
        line = lines[0] ?? "";
        rest = lines.slice(1);
        detail = r.stderr.trim() || `exit ${r.exitCode}`;
      } catch (error) {
        detail = (error as Error).message;
      } finally {
        execRunning = false;
        iterations++;
        ended();
      }
      if (stopped) return void (looping = false);
      if (listing && /^(listed|nolist|toolarge|unlisted( |$))/.test(line)) {
        // A resync ran instead of a watch; the next turn watches from where it started.
        failures = 0;
        pictureListDue = false;
        pictureListed(line, rest);
        continue;
      }
      // Ended on purpose to watch other kinds: resume from the same version, no failure.
      if (restartRequested && !line.startsWith("event ")) continue;
      if (line.startsWith("event ") || line === "expired") {
        failures = 0;
        const seen = line.slice("event ".length);
        // No version seen (a kubectl-watched kind, or output we could not read): resume from
        // now rather than replay the same events forever.
        resourceVersion = line !== "expired" && /^[1-9][0-9]*$/.test(seen) ? seen : "";
        // Events missed (expired) or the watch starting from "now": the picture lists again.
        if (resourceVersion === "") pictureListDue = true;
        else pictureEvents(rest);
        changed();
        continue;
      }
      if (line === "quiet") {
        failures = 0;
        continue;
      }
      // The watch could not run: the cluster is stopped or unreachable. Grade (which says
      // so, as `error`) and try again later; the picture says it is old and lists again
      // once the watch runs.
      failures++;
      report(new Error(`live watch in the lab ended (${line || "no answer"}): ${detail}`));
      if (pictureReader && !pictureByReads) {
        pictureListDue = true;
        handPicture({ ok: false, detail: `live watch in the lab ended: ${detail}` });
      }
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
        if (widened) {
          // The watch restarts over the picture's kinds, listing them first.
          pictureObjects = new PictureObjects();
          pictureListDue = true;
          void restartWatch();
        } else if (pictureByReads) void readPictureNow();
        // Another reader of the same picture: it is handed what is held now.
        else if (pictureObjects.ready) handPicture(pictureRead());
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
