// The live stream's frames: what the route writes is what the browser's schema accepts, and
// a frame that does not fit the contract is never written.
import { describe, expect, it } from "vitest";
import { encodeLiveFrame, LIVE_EVENT, type LiveFrame, liveFrameSchema } from "@/app/_lib/grader/live-frames";
import { RESULTS_VERSION } from "@/sandbox/grader/results";

const results = {
  version: RESULTS_VERSION,
  lessonId: "04-pods",
  exerciseId: "scale-web",
  outcome: "fail",
  gradedAt: "2026-11-21T12:00:00.000Z",
  durationMs: 140,
  checks: [
    {
      id: "three-replicas",
      status: "fail",
      title: { ko: "레플리카 3개", en: "Three replicas" },
      message: { ko: "디플로이먼트 web: 레플리카가 3개여야 하는데 1개입니다.", en: "Deployment web: expected 3 replicas, found 1." },
      expected: { ko: "3개", en: "3" },
      found: { ko: "1개", en: "1" },
      hint: { ko: "kubectl scale", en: "kubectl scale" },
    },
  ],
} as const;

function decode(text: string): { event: string; data: unknown } {
  const lines = text.split("\n");
  expect(text.endsWith("\n\n")).toBe(true);
  return { event: lines[0]!.replace(/^event: /, ""), data: JSON.parse(lines[1]!.replace(/^data: /, "")) };
}

describe("live frames", () => {
  it.each<LiveFrame>([
    { type: "waiting" },
    { type: "preparing", sandboxId: "cm123" },
    { type: "unprepared", sandboxId: "cm123" },
    { type: "watching", sandboxId: "cm123" },
    { type: "results", results: results as unknown as Extract<LiveFrame, { type: "results" }>["results"] },
    { type: "results", results: results as unknown as Extract<LiveFrame, { type: "results" }>["results"], progress: { attempts: 2, firstPassedAt: "2026-11-21T12:00:01.000Z" } },
  ])("round-trips a $type frame", (frame) => {
    const { event, data } = decode(encodeLiveFrame(frame));
    expect(event).toBe(LIVE_EVENT);
    expect(liveFrameSchema.parse(data)).toEqual(frame);
  });

  it("refuses to write a frame outside the contract", () => {
    expect(() => encodeLiveFrame({ type: "results", results: { ...results, version: RESULTS_VERSION + 1 } } as unknown as LiveFrame)).toThrow();
    expect(() => encodeLiveFrame({ type: "watching" } as unknown as LiveFrame)).toThrow();
  });

  it("keeps a message with a newline on one data line", () => {
    const multiline = { ...results, checks: [{ ...results.checks[0], message: { ko: "한 줄\n두 줄", en: "one\ntwo" } }] };
    const text = encodeLiveFrame({ type: "results", results: multiline as unknown as Extract<LiveFrame, { type: "results" }>["results"] });
    expect(text.split("\n")).toHaveLength(4);
  });
});
