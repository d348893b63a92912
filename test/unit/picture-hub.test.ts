// Where a learner's cluster picture rides: on a lesson's live session when the learner has one
// open, else on a session of its own with no exercises, moving when sessions come and go, and
// shared by everyone who looks. The lab runtime is a stand-in with no ready lab (unit tests run
// no labs), so every session only says "waiting"; the watch itself is proven on a real lab in
// test/integration/grader/picture-watch.test.ts and in the browser in test/e2e/cluster-picture.test.ts.
import { afterEach, describe, expect, it } from "vitest";
import { LIVE_LIMITS, liveSessionsOf, subscribeLive } from "@/app/_lib/grader/live-hub";
import type { LiveRuntime } from "@/app/_lib/grader/live-session";
import { PICTURE_LIMITS, picturesOpen, subscribePicture } from "@/app/_lib/picture/picture-hub";
import type { PictureFrame } from "@/sandbox/picture/schema";

const runtime: LiveRuntime = {
  manager: { readyLab: async () => null, subscribe: () => () => {} },
  provider: {
    exec: async () => {
      throw new Error("no lab is ready, so nothing may run in one");
    },
  },
};
LIVE_LIMITS.lingerMs = 20;
PICTURE_LIMITS.lingerMs = 20;
const settle = (ms = 60) => new Promise((r) => setTimeout(r, ms));
let n = 0;
const owner = () => `learner-${++n}`;
const open: { close(): void }[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) s.close();
  await settle();
});

function look(ownerId: string, viewerId = ownerId, address = "192.0.2.1") {
  const frames: PictureFrame[] = [];
  const sub = subscribePicture({ ownerId, viewerId, address, runtime, onError: (e) => { throw e; } }, (f) => frames.push(f));
  if ("refused" in sub) return { frames, refused: sub.refused };
  open.push(sub);
  return { frames, close: () => sub.close() };
}

function lesson(userId: string, lessonId: string) {
  const sub = subscribeLive({ userId, address: "192.0.2.1", lessonId, exercises: [], runtime, onError: (e) => { throw e; } }, () => {});
  if ("refused" in sub) throw new Error(sub.refused);
  open.push(sub);
  return sub;
}

describe("the cluster picture's ride", () => {
  it("gets a session of its own when no lesson is open, says there is no lab yet, and ends after its last look", async () => {
    const me = owner();
    const view = look(me);
    await settle();
    expect(liveSessionsOf(me)).toEqual([{ lessonId: "", picture: true }]);
    expect(view.frames).toEqual([{ type: "waiting" }]);
    view.close!();
    await settle();
    expect(liveSessionsOf(me)).toEqual([]);
  });

  it("moves onto a lesson's session when one opens (one watch, not two), and back when it ends", async () => {
    const me = owner();
    look(me);
    await settle();
    const page = lesson(me, "08-rolling-updates-and-rollbacks");
    await settle();
    expect(liveSessionsOf(me)).toEqual([{ lessonId: "08-rolling-updates-and-rollbacks", picture: true }]);
    page.close();
    await settle();
    expect(liveSessionsOf(me)).toEqual([{ lessonId: "", picture: true }]);
  });

  it("rides on a lesson's session that is already open", async () => {
    const me = owner();
    lesson(me, "07-scaling");
    await settle();
    look(me);
    await settle();
    expect(liveSessionsOf(me)).toEqual([{ lessonId: "07-scaling", picture: true }]);
  });

  it("is one per lab however many look (the learner and their instructor), and a joining look hears the state at once", async () => {
    const me = owner();
    const mine = look(me);
    await settle();
    const teacher = look(me, "teacher-1");
    expect(teacher.frames).toEqual([{ type: "waiting" }]);
    expect(picturesOpen()).toBeGreaterThanOrEqual(1);
    expect(liveSessionsOf(me)).toEqual([{ lessonId: "", picture: true }]);
    mine.close!();
    await settle();
    // The instructor still looks: the ride goes on.
    expect(liveSessionsOf(me)).toEqual([{ lessonId: "", picture: true }]);
  });

  it("refuses a viewer past their stream limit, and takes them again once one closes", async () => {
    const me = owner();
    const views = Array.from({ length: PICTURE_LIMITS.streamsPerViewer }, () => look(me, "greedy"));
    expect(views.every((v) => !v.refused)).toBe(true);
    expect(look(me, "greedy").refused).toBe("too-many-streams");
    views[0]!.close!();
    expect(look(me, "greedy").refused).toBeUndefined();
  });
});
