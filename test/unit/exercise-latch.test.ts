// One card tells one story: the rows on show come from one evaluation; a whole pass stays
// until the next Check; a Check shows what it found; an unreadable live read changes nothing.
import { describe, expect, it } from "vitest";
import { afterCheck, afterLive, type Shown } from "@/app/_components/exercise/latch";
import type { CheckResult, ResultsDocument } from "@/sandbox/grader/results";
import { RESULTS_VERSION, resultsDocumentSchema } from "@/sandbox/grader/results";

const text = (en: string) => ({ en, ko: `${en} (ko)` });
const check = (id: string, status: CheckResult["status"], message = `${id} ${status}`): CheckResult => ({ id, status, title: text(id), message: text(message), hint: text(`hint ${id}`) });
const doc = (checks: CheckResult[], error?: string): ResultsDocument =>
  resultsDocumentSchema.parse({
    version: RESULTS_VERSION,
    lessonId: "04-pods",
    exerciseId: "scale-web",
    outcome: error ? "error" : checks.some((c) => c.status === "error") ? "error" : checks.some((c) => c.status === "fail") ? "fail" : "pass",
    gradedAt: "2026-11-21T12:00:00.000Z",
    durationMs: 12,
    checks,
    ...(error ? { error: text(error) } : {}),
  });

const empty: Shown = { results: null };
const statuses = (s: Shown) => s.results?.checks.map((c) => `${c.id}:${c.status}`);

describe("one card, one story", () => {
  it("ticks a check that starts passing", () => {
    const checked = afterCheck(empty, doc([check("replicas", "fail"), check("ready", "fail")]));
    const live = afterLive(checked, doc([check("replicas", "pass"), check("ready", "fail")]));
    expect(statuses(live)).toEqual(["replicas:pass", "ready:fail"]);
    expect(live.results!.outcome).toBe("fail");
  });

  it("never shows a pass from one moment beside a fail from a later one (the greeter card of issue 13)", () => {
    // The pod existed at one tick; the learner then deleted it to make it again.
    let shown = afterCheck(empty, doc([check("exists", "fail"), check("image", "fail")]));
    shown = afterLive(shown, doc([check("exists", "pass", "Pod greeter exists."), check("image", "fail", "image should be httpd:2.4")]));
    shown = afterLive(shown, doc([check("exists", "fail", "There is no Pod named greeter."), check("image", "fail", "There is no Pod named greeter.")]));
    expect(statuses(shown)).toEqual(["exists:fail", "image:fail"]);
    const messages = shown.results!.checks.map((c) => c.message.en);
    expect(messages).toEqual(["There is no Pod named greeter.", "There is no Pod named greeter."]);
    // Every row on show is from one evaluation.
    expect(new Set(shown.results!.checks.map((c) => c.status === "pass"))).toEqual(new Set([false]));
  });

  it("keeps a whole pass on show until the next Check, even when later work changes the objects", () => {
    let shown = afterLive(empty, doc([check("replicas", "pass"), check("ready", "pass")]));
    shown = afterLive(shown, doc([check("replicas", "fail"), check("ready", "pass")]));
    expect(statuses(shown)).toEqual(["replicas:pass", "ready:pass"]);
    expect(shown.results!.outcome).toBe("pass");
  });

  it("starts over on Check: it shows what the Check found", () => {
    let shown = afterLive(empty, doc([check("replicas", "pass"), check("ready", "pass")]));
    shown = afterCheck(shown, doc([check("replicas", "fail"), check("ready", "pass")]));
    expect(statuses(shown)).toEqual(["replicas:fail", "ready:pass"]);
    expect(shown.results!.outcome).toBe("fail");
  });

  it("shows nothing new when the lab could not be read live", () => {
    const shown = afterCheck(empty, doc([check("replicas", "pass"), check("ready", "fail")]));
    const unreadable = doc([check("replicas", "error"), check("ready", "error")], "connection refused");
    expect(afterLive(shown, unreadable)).toBe(shown);
    expect(afterLive(shown, doc([check("replicas", "error"), check("ready", "fail")]))).toBe(shown);
  });

  it("shows an unreadable lab on Check", () => {
    const shown = afterCheck(empty, doc([check("replicas", "pass"), check("ready", "fail")]));
    const next = afterCheck(shown, doc([check("replicas", "error"), check("ready", "error")], "timeout"));
    expect(next.results!.error!.en).toBe("timeout");
  });
});
