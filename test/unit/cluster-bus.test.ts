// The cluster bus on SQLite: one server process, so messages go straight to this process's
// listeners, at once, as the progress events and the roster bus always did. (Across servers
// on PostgreSQL: test/postgresql/cluster-bus.test.ts.)
import pino from "pino";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { InProcessBus } from "@/app/_lib/cluster/bus";
import { createClusterBus } from "@/app/_lib/cluster/process-bus";
import { PostgresBus } from "@/app/_lib/cluster/postgres-bus";

const silent = pino({ level: "silent" });
const ping = z.strictObject({ id: z.string() });

describe("cluster bus, in-process (SQLite)", () => {
  it("is what a SQLite URL chooses; a PostgreSQL URL chooses LISTEN/NOTIFY", async () => {
    expect(createClusterBus("file:./data/kubelab.db", silent)).toBeInstanceOf(InProcessBus);
    const pgBus = createClusterBus("postgresql://nobody@127.0.0.1:1/none", silent);
    expect(pgBus).toBeInstanceOf(PostgresBus);
    await pgBus.close();
  });

  it("delivers to this process's listeners before publish returns, on their channel only", () => {
    const bus = new InProcessBus();
    const got: string[] = [];
    const other: string[] = [];
    bus.channel("a", ping).subscribe((m) => got.push(m.id));
    bus.channel("b", ping).subscribe((m) => other.push(m.id));
    void bus.channel("a", ping).publish({ id: "1" });
    expect(got).toEqual(["1"]);
    expect(other).toEqual([]);
  });

  it("a throwing listener breaks neither the publisher nor the other listeners; unsubscribing stops delivery", async () => {
    const bus = new InProcessBus();
    const got: string[] = [];
    bus.channel("a", ping).subscribe(() => {
      throw new Error("listener's own bug");
    });
    const stop = bus.channel("a", ping).subscribe((m) => got.push(m.id));
    await expect(bus.channel("a", ping).publish({ id: "1" })).resolves.toBeUndefined();
    stop();
    await bus.channel("a", ping).publish({ id: "2" });
    expect(got).toEqual(["1"]);
  });

  it("refuses channel names that are not short lowercase words", () => {
    expect(() => new InProcessBus().channel("Progress Events", ping)).toThrow(/short lowercase/);
  });
});
