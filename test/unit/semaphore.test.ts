// The lab manager's limit on concurrent starts: a real semaphore (woken by a release, in
// order of arrival), not a polling loop. No timing: every step is awaited or counted.
import { describe, expect, it } from "vitest";
import { Semaphore } from "@/sandbox/manager/semaphore";

const settle = () => new Promise((r) => setImmediate(r));

describe("Semaphore", () => {
  it("lets `size` holders in at once and the rest in order of arrival, each when a place frees", async () => {
    const sem = new Semaphore(2);
    const order: string[] = [];
    const take = (name: string) => sem.acquire().then((release) => (order.push(name), release));
    const a = await take("a");
    const b = await take("b");
    const c = take("c");
    const d = take("d");
    await settle();
    expect(order).toEqual(["a", "b"]);
    expect([sem.inUse, sem.waiting]).toEqual([2, 2]);
    b();
    const releaseC = await c;
    await settle();
    expect(order).toEqual(["a", "b", "c"]);
    expect([sem.inUse, sem.waiting]).toEqual([2, 1]);
    // A newcomer does not jump the line: d waited first and gets the next place.
    const e = take("e");
    a();
    const releaseD = await d;
    await settle();
    expect(order).toEqual(["a", "b", "c", "d"]);
    releaseC();
    releaseD();
    (await e)();
    expect(order).toEqual(["a", "b", "c", "d", "e"]);
    expect([sem.inUse, sem.waiting]).toEqual([0, 0]);
  });

  it("counts a release once, however often it is called", async () => {
    const sem = new Semaphore(1);
    const release = await sem.acquire();
    release();
    release();
    expect(sem.inUse).toBe(0);
    const again = await sem.acquire();
    const waiting = sem.acquire();
    await settle();
    expect(sem.waiting).toBe(1);
    again();
    (await waiting)();
    expect(sem.inUse).toBe(0);
  });

  it("refuses a size that would let nobody in", () => {
    expect(() => new Semaphore(0)).toThrow(/at least 1/);
  });

  it("lets a waiter marked first (a learner at their screen) go before labs warmed ahead, in arrival order among each kind", async () => {
    const sem = new Semaphore(1);
    const order: string[] = [];
    const holder = await sem.acquire();
    const take = (name: string, first: boolean) => sem.acquire({ first }).then((release) => (order.push(name), release));
    const warm1 = take("warm1", false);
    const warm2 = take("warm2", false);
    const learnerA = take("learnerA", true);
    const learnerB = take("learnerB", true);
    await settle();
    expect(sem.waiting).toBe(4);
    holder();
    (await learnerA)();
    (await learnerB)();
    (await warm1)();
    (await warm2)();
    expect(order).toEqual(["learnerA", "learnerB", "warm1", "warm2"]);
    expect([sem.inUse, sem.waiting]).toEqual([0, 0]);
  });
});
