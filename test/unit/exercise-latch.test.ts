// Within one attempt a passed check stays passed under live evaluations; a Check starts over;
// an unreadable lab changes nothing on show.
import { describe, expect, it } from "vitest";
import { afterCheck, afterLive, type Shown } from "@/app/_components/exercise/latch";
import type { CheckResult, ResultsDocument } from "@/sandbox/grader/results";
import { resultsDocumentSchema } from "@/sandbox/grader/results";

const text = (en: string) => ({ en, ko: `${en} (ko)` });
const check = (id: string, status: CheckResult["status"], message = `${id} ${status}`): CheckResult => ({ id, status, title: text(id), message: text(message), hint: text(`hint ${id}`) });
const doc = (checks: CheckResult[], error?: string): ResultsDocument =>
  resultsDocumentSchema.parse({
    version: 1,
    lessonId: "04-pods",
    exerciseId: "scale-web",
    outcome: error ? "error" : checks.some((c) => c.status === "error") ? "error" : checks.some((c) => c.status === "fail") ? "fail" : "pass",
    gradedAt: "2026-11-21T12:00:00.000Z",
    durationMs: 12,
    checks,
    ...(error ? { error: text(error) } : {}),
  });

const empty: Shown = { results: null, latched: [] };
const statuses = (s: Shown) => s.results?.checks.map((c) => `${c.id}:${c.status}`);

describe("live ticks within an attempt", () => {
  it("ticks a check that starts passing", () => {
    const checked = afterCheck(empty, doc([check("replicas", "fail"), check("ready", "fail")]));
    const live = afterLive(checked, doc([check("replicas", "pass"), check("ready", "fail")]));
    expect(statuses(live)).toEqual(["replicas:pass", "ready:fail"]);
    expect(live.results!.outcome).toBe("fail");
    expect(live.latched).toEqual(["replicas"]);
  });

  it("never flips a passed check back during the attempt, and keeps its passing message", () => {
    let shown = afterCheck(empty, doc([check("replicas", "fail"), check("ready", "fail")]));
    shown = afterLive(shown, doc([check("replicas", "pass", "3 replicas"), check("ready", "fail")]));
    shown = afterLive(shown, doc([check("replicas", "fail", "found 1"), check("ready", "pass")]));
    expect(statuses(shown)).toEqual(["replicas:pass", "ready:pass"]);
    expect(shown.results!.checks[0]!.message.en).toBe("3 replicas");
    expect(shown.results!.outcome).toBe("pass");
  });

  it("starts over on Check: only what passes now counts", () => {
    let shown = afterLive(empty, doc([check("replicas", "pass"), check("ready", "pass")]));
    shown = afterCheck(shown, doc([check("replicas", "fail"), check("ready", "pass")]));
    expect(statuses(shown)).toEqual(["replicas:fail", "ready:pass"]);
    expect(shown.latched).toEqual(["ready"]);
  });

  it("shows nothing new when the lab could not be read live", () => {
    const shown = afterCheck(empty, doc([check("replicas", "pass"), check("ready", "fail")]));
    const unreadable = doc([check("replicas", "error"), check("ready", "error")], "connection refused");
    expect(afterLive(shown, unreadable)).toBe(shown);
  });

  it("keeps a latched pass over a per-check error", () => {
    const shown = afterCheck(empty, doc([check("replicas", "pass"), check("ready", "fail")]));
    const next = afterLive(shown, doc([check("replicas", "error"), check("ready", "error")]));
    expect(statuses(next)).toEqual(["replicas:pass", "ready:error"]);
    expect(next.results!.outcome).toBe("error");
  });

  it("shows an unreadable lab on Check without forgetting what passed", () => {
    const shown = afterCheck(empty, doc([check("replicas", "pass"), check("ready", "fail")]));
    const next = afterCheck(shown, doc([check("replicas", "error"), check("ready", "error")], "timeout"));
    expect(next.results!.error!.en).toBe("timeout");
    expect(next.latched).toEqual(["replicas"]);
  });
});
