// The class bench's rows for run.ts's table: one row per figure the issue asks for, errors by
// kind in the notes, and a row per fault with its recovery time and what learners saw.
import type { ClassReport } from "./class.bench-lib";
import type { FaultResult } from "./class-faults.bench-lib";

export interface ClassRow {
  metric: string;
  unit: "ms" | "s" | "MiB" | "ratio" | "labs" | "CPU s/min" | "% core";
  samples: number[];
  note?: string;
  unavailable?: string;
}

const s = (ms: number[]) => ms.map((v) => v / 1000);

export function classRows(r: ClassReport, faults?: FaultResult[]): ClassRow[] {
  const c = r.cls;
  const errors = [...c.errors.byKind.entries()].map(([k, n]) => `${k} ×${n} (e.g. ${c.errors.examples.get(k) || "–"})`).join("; ");
  const outcomes = [...c.checkOutcomes.entries()].map(([k, n]) => `${k} ${n}`).join(", ");
  const rows: ClassRow[] = [
    {
      metric: `class: labs ready of ${r.learners} simulated + ${r.browsers} browser learners`,
      unit: "labs",
      samples: [r.startedLabs],
      note: `${r.learners} learners (${c.warmed ? "all signed up and enrolled, labs warmed ahead" : "every third signed up and enrolled, the rest anonymous"}) and ${r.browsers} Chromium pages pressed Start within the first minute; pool 2; ${r.classMinutes} min of class after the last lab was ready; ${r.note}`,
    },
    ...(c.warmed
      ? [
          {
            metric: `class: "Class starts now" → ${c.warmed.ready} of ${c.warmed.enrolled} labs warm (dashboard count)`,
            unit: "s" as const,
            samples: [c.warmed.seconds],
            note: `scheduled class: every simulated learner enrolled; ${((c.warmed.ready / c.warmed.seconds) * 60).toFixed(1)} labs ready per minute; capacity ${c.warmed.capacity} labs (pool included), ${c.warmed.short} learners told they would wait`,
          },
        ]
      : []),
    ...(c.queued.length
      ? [
          {
            metric: "class: learners left waiting in the queue (host full)",
            unit: "labs" as const,
            samples: [c.queued.length],
            note: `not errors: the server's capacity (${r.cls.env.KUBELAB_CAPACITY ? `KUBELAB_CAPACITY=${r.cls.env.KUBELAB_CAPACITY}` : "derived from this host's memory and cores"}) was reached; places first shown ${c.queued.map((q) => (q.place ? `${q.place.position}/${q.place.queueLength}` : "(browser)")).join(", ")}`,
          },
        ]
      : []),
    { metric: "class: Start → lab ready (status poll)", unit: "s", samples: s(c.readyMs) },
    { metric: "class: Start → terminal prompt", unit: "s", samples: s(c.promptMs) },
    { metric: "class: Chromium click → usable prompt", unit: "s", samples: s(c.browserPromptMs) },
    { metric: "class: Check round trip", unit: "ms", samples: c.checkMs, note: `answers: ${outcomes || "none"}` },
    { metric: "class: keystroke echo (typing the lessons' commands)", unit: "ms", samples: c.echoMs },
    {
      metric: "  of which the server timed: key into the shell → its output read",
      unit: "ms",
      samples: r.sampler.echo.serverEchoMs(),
      note: "kubelab_terminal_echo_seconds from /metrics every 10 s outside the faults, to its buckets (2, 5, 10, 15, 25, 50, 100, 250, 500 ms …): dockerd's exec stream, the lab's shell and the server's wait to read the output",
    },
    { metric: "  the server's event-loop delay (p99 of each 10 s)", unit: "ms", samples: r.sampler.echo.serverLagP99Ms, note: `prom-client's monitor, 10 ms resolution: how long any socket's data waited for the server's one thread; ${r.sampler.echo.scrapeErrors} scrape(s) of /metrics failed and were left out` },
    { metric: "  the server's main thread on a core (% of each 10 s)", unit: "% core", samples: r.sampler.echo.mainThreadOnCpuPct, note: "/proc/<pid>/schedstat of the server's JavaScript thread" },
    { metric: "  the server's main thread waiting in the run queue for a core (% of each 10 s)", unit: "% core", samples: r.sampler.echo.mainThreadWaitingPct, note: "schedstat's run delay: runnable, not running" },
    { metric: "  the server's main thread in disk sleep (% of 20 ms samples)", unit: "% core", samples: r.sampler.echo.mainThreadDiskPct, note: "state D, e.g. better-sqlite3's writes waiting for fsync on the one thread" },
    { metric: "  the bench's own event-loop delay (p99 of each 10 s)", unit: "ms", samples: r.sampler.echo.benchLoopMs, note: "one Node thread runs every simulated learner: its wait is in every figure above, and a browser on a learner's own machine does not pay it" },
    { metric: "class: host CPU pressure (some avg10: time some task waited for a core)", unit: "ratio", samples: r.sampler.echo.cpuPressurePct, note: "per cent, /proc/pressure/cpu" },
    {
      metric: "class: pass in a lab → instructor's stream shows it",
      unit: "ms",
      samples: c.matrixMs,
      note: `${c.matrixMs.length} passes of enrolled learners, from the learner's first sight of the pass (live frame or Check answer, both from the same grading) to the dashboard stream's progress frame; negative when the dashboard heard first; ${c.learnerPasses} passes seen by learners in all`,
    },
    { metric: "class: errors (must be 0)", unit: "labs", samples: [c.errors.total()], note: errors || "none" },
    { metric: "class: server CPU (% of one core, 10 s windows)", unit: "% core", samples: r.sampler.serverCpuPct },
    { metric: "class: server RSS", unit: "MiB", samples: r.sampler.serverRssMiB },
    { metric: "class: host MemAvailable", unit: "MiB", samples: r.sampler.hostAvailMiB },
    { metric: "class: host load average (1 min)", unit: "ratio", samples: r.sampler.load1 },
    { metric: "class: lab CPU while its learner reads (live checks on, Check every 30 s)", unit: "% core", samples: r.sampler.labIdlePct },
    { metric: "class: lab CPU while its learner types and runs commands", unit: "% core", samples: r.sampler.labBusyPct },
    { metric: "class: lab CPU of labs with no simulated learner (warm pool, Chromium)", unit: "% core", samples: r.sampler.labOtherPct },
  ];
  for (const f of faults ?? []) {
    const errs = [...f.errors.byKind.entries()].map(([k, n]) => `${k} ×${n}`).join("; ");
    rows.push({
      metric: `fault: ${f.name} → every terminal, live stream and dashboard back`,
      unit: "s",
      samples: f.recoveryMs === null ? [] : [f.recoveryMs / 1000],
      unavailable: f.recoveryMs === null ? `not recovered: ${f.detail}` : undefined,
      note: `${f.detail}; Checks from the fault until recovery: ${Object.entries(f.checks).map(([k, n]) => `${k} ${n}`).join(", ") || "none"}; learners saw: ${errs || "nothing"}; database: ${f.dbDiff}`,
    });
  }
  return rows;
}
