// Next's way to the lab runtime that server.ts created (see create-runtime.ts).
import "server-only";
import { publishedRuntime, type LabRuntime } from "./published-runtime";

export class LabsUnavailableError extends Error {
  constructor() {
    super("The lab runtime is not running in this process. Start kubelab with `npm run up` or `npm run dev` (server.ts).");
    this.name = "LabsUnavailableError";
  }
}

export function labRuntime(): LabRuntime {
  const runtime = publishedRuntime();
  if (!runtime) throw new LabsUnavailableError();
  return runtime;
}

export function labRuntimeIfRunning(): LabRuntime | undefined {
  return publishedRuntime();
}
