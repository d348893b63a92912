// DataContexts for tests of the data layer, over a real database: what a request would
// give, with the session cookie in a jar the test can read and plant (nothing in memory
// stands for the database or the authorization under test).
import { findSessionUser, type SessionUser } from "@/app/_lib/auth/session-core";
import type { DataContext, DataRuntime } from "@/app/_lib/data/data-context";
import type { PrismaClient } from "@/prisma/generated/client";

export interface TestContext extends DataContext {
  /** The browser's cookie: what the data layer wrote, or what a test planted. */
  jar: { token?: string };
}

/**
 * A request's context. Without `asker` the asker is whoever the jar's session names, looked up
 * the way a request looks it up; with one, that user (or nobody) asks whatever the jar holds.
 */
export function testContext(
  db: PrismaClient,
  options: { asker?: SessionUser | null; runtime?: DataRuntime; address?: string; token?: string } = {},
): TestContext {
  const jar: { token?: string } = { token: options.token };
  const fixed = "asker" in options;
  return {
    db,
    jar,
    asker: fixed ? async () => options.asker ?? null : () => findSessionUser(db, jar.token),
    // As session.ts's sessionRechecker: the token the request carried, looked up again later.
    laterAsker: async () => {
      const token = jar.token;
      return fixed ? async () => options.asker ?? null : () => findSessionUser(db, token);
    },
    callerAddress: async () => options.address ?? "192.0.2.1",
    sessionCookie: {
      read: async () => jar.token,
      write: async (session) => void (jar.token = session.token),
      clear: async () => void (jar.token = undefined),
    },
    runtime: () => options.runtime,
  };
}

/**
 * A lab runtime for unit tests, which run no labs: the given parts, and for every other
 * method one that throws naming itself, so a data function that asks for more than the test
 * expects fails loudly. The engine is up unless the test says otherwise.
 */
export function standInRuntime(parts: { manager?: Partial<DataRuntime["manager"]>; provider?: Partial<DataRuntime["provider"]> } = {}): DataRuntime {
  const unexpected = (name: string) => async () => {
    throw new Error(`this test did not expect the data layer to call ${name}`);
  };
  return {
    manager: {
      view: unexpected("manager.view"),
      reset: unexpected("manager.reset"),
      summary: unexpected("manager.summary"),
      endLab: unexpected("manager.endLab"),
      readyLab: unexpected("manager.readyLab"),
      touch: () => {},
      request: unexpected("manager.request"),
      stop: unexpected("manager.stop"),
      subscribe: () => {
        throw new Error("this test did not expect the data layer to call manager.subscribe");
      },
      addressWaitingFull: unexpected("manager.addressWaitingFull"),
      warmFor: unexpected("manager.warmFor"),
      reservedLabs: unexpected("manager.reservedLabs"),
      learnersWithLab: unexpected("manager.learnersWithLab"),
      engine: { up: true, state: { up: true, reason: "a stand-in engine", since: new Date() } },
      config: { maxWaitingPerAddress: 20 },
      ...parts.manager,
    },
    provider: { memoryBytes: unexpected("provider.memoryBytes"), exec: unexpected("provider.exec"), profileRefusal: () => null, ...parts.provider },
    secret: new TextEncoder().encode("a test secret of thirty-two bytes!"),
  };
}
