// The one answer shape of every server action, shared by server and browser (so it imports
// nothing server-side). Errors are message keys in "Actions.errors" and field problems keys in
// "Actions.fields", never sentences, so each language says them its own way.
export type ActionErrorKey =
  /** The input did not pass the action's schema; `fields` says which field and why. */
  | "invalidInput"
  /** No session, or one of the wrong kind: sign in (again). */
  | "signIn"
  /** Signed in, but this is not yours to do. */
  | "forbidden"
  | "notFound"
  /** Asked too often; `retryAfterSeconds` says when to try again. */
  | "rateLimited"
  /** The server's disk is full: nothing was saved, nothing earlier is lost. */
  | "storageFull"
  /** Anything else: the details are in the server's log, never in the answer. */
  | "unexpected"
  | "invalidCredentials"
  | "emailTaken"
  | "ownRole"
  | "userNotFound"
  | "labNotFound"
  | "noRuntime"
  | "noLab"
  | "engineUnavailable"
  | "inviteInvalid"
  | "cohortEnded"
  | "removedFromCohort"
  | "ownCohort";

export interface ActionFailure {
  ok: false;
  error: ActionErrorKey;
  /** Per field, a key in "Actions.fields" (a form shows it beside the field). */
  fields?: Record<string, string>;
  retryAfterSeconds?: number;
  /** What the person typed (never a password), so a refused form keeps it. */
  values?: Record<string, string>;
}

export type ActionResult<T> = { ok: true; data: T } | ActionFailure;

/** Thrown in the browser by `dataOf` for callers that only handle success (status polls). */
export class ActionFailedError extends Error {
  constructor(readonly failure: ActionFailure) {
    super(`action refused: ${failure.error}`);
    this.name = "ActionFailedError";
  }
}

/** The data of a successful answer; a refusal throws, for callers whose catch already handles failure. */
export function dataOf<T>(result: ActionResult<T>): T {
  if (result.ok) return result.data;
  throw new ActionFailedError(result);
}
