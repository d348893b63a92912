// What a data-layer function needs from its surroundings: the database, a way to learn who
// is asking (from the session cookie, never from the caller), where the request came from,
// the session cookie itself for the few functions that start or end a session, and the lab
// runtime when this process runs one. Inside Next it is built from the request; tests build
// one over a fresh database and a real user row, so the authorization they exercise is the
// same code. Every data-layer function takes an optional context as its last argument
// (`ctx ??= await requestContext()`) and checks who is asking itself.
import "server-only";
import type { SessionUser } from "@/app/_lib/auth/session-core";
import type { LabRuntime } from "@/app/_lib/lab/published-runtime";
import type { PrismaClient } from "@/prisma/generated/client";
import type { EngineWatch } from "@/sandbox/manager/engine-watch";
import type { LabManager, ManagerConfig } from "@/sandbox/manager/manager";
import type { Provider } from "@/sandbox/providers/types";

export interface DataContext {
  db: PrismaClient;
  asker(): Promise<SessionUser | null>;
  /** For event streams: an asker that still works after the request was answered (see session.ts's sessionRechecker). */
  laterAsker?(): Promise<() => Promise<SessionUser | null>>;
  /** The caller's address as peer-address.ts decides it (behind a trusted proxy, the proxy's client): rate limits and the per-address queue count by it. */
  callerAddress(): Promise<string>;
  sessionCookie: SessionCookie;
  /** The lab runtime of this process, when it runs one: the part the data layer uses. */
  runtime(): DataRuntime | undefined;
}

/** The session token the browser carries. Written only where Next lets a response set cookies: server actions and route handlers. */
export interface SessionCookie {
  read(): Promise<string | undefined>;
  write(session: { token: string; expiresAt: Date }): Promise<void>;
  clear(): Promise<void>;
}

export interface DataRuntime {
  manager: Pick<LabManager, "view" | "reset" | "summary" | "endLab" | "readyLab" | "touch" | "request" | "stop" | "subscribe" | "addressWaitingFull" | "warmFor" | "reservedLabs" | "learnersWithLab"> & {
    engine: Pick<EngineWatch, "up" | "state">;
    config: Pick<ManagerConfig, "maxWaitingPerAddress">;
  };
  provider: Pick<Provider, "memoryBytes" | "exec" | "profileRefusal">;
  /** Signs terminal tickets (sandbox/terminal/token.ts). */
  secret: LabRuntime["secret"];
}

/** The context of the current request; modules load lazily so importing this costs nothing. */
export async function requestContext(): Promise<DataContext> {
  const [{ db }, session, { labRuntimeIfRunning }, { headers }, { peerAddress }] = await Promise.all([
    import("@/app/_lib/db/client"),
    import("@/app/_lib/auth/session"),
    import("@/app/_lib/lab/runtime"),
    import("next/headers"),
    import("@/app/_lib/auth/peer-address"),
  ]);
  return {
    db,
    asker: session.currentUser,
    laterAsker: session.sessionRechecker,
    callerAddress: async () => peerAddress(await headers()),
    sessionCookie: { read: session.currentSessionToken, write: session.setSessionCookie, clear: session.clearSessionCookie },
    runtime: labRuntimeIfRunning,
  };
}
