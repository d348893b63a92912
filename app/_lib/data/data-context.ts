// What a data-layer function needs from its surroundings: the database, a way to learn who
// is asking (from the session cookie, never from the caller), and the lab runtime when this
// process runs one. Inside Next it is built from the request; tests build one over a fresh
// database and a real user row, so the authorization they exercise is the same code.
// Every data-layer function takes an optional context as its last argument (`ctx ??=
// await requestContext()`) and checks who is asking itself.
import "server-only";
import type { SessionUser } from "@/app/_lib/auth/session-core";
import type { PrismaClient } from "@/prisma/generated/client";
import type { LabManager } from "@/sandbox/manager/manager";
import type { Provider } from "@/sandbox/providers/types";

export interface DataContext {
  db: PrismaClient;
  asker(): Promise<SessionUser | null>;
  /** For event streams: an asker that still works after the request was answered (see session.ts's sessionRechecker). */
  laterAsker?(): Promise<() => Promise<SessionUser | null>>;
  /** The lab runtime of this process, when it runs one: the part the data layer uses. */
  runtime(): DataRuntime | undefined;
}

export interface DataRuntime {
  manager: Pick<LabManager, "view" | "reset" | "summary" | "endLab" | "readyLab" | "touch">;
  provider: Pick<Provider, "memoryBytes" | "exec">;
}

/** The context of the current request; modules load lazily so importing this costs nothing. */
export async function requestContext(): Promise<DataContext> {
  const [{ db }, { currentUser, sessionRechecker }, { labRuntimeIfRunning }] = await Promise.all([
    import("@/app/_lib/db/client"),
    import("@/app/_lib/auth/session"),
    import("@/app/_lib/lab/runtime"),
  ]);
  return { db, asker: currentUser, laterAsker: sessionRechecker, runtime: labRuntimeIfRunning };
}
