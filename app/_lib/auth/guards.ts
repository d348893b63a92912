// Who may do what. Every data-layer function, route handler and server action starts with one
// of these guards; they read the session cookie themselves, so no caller can vouch for a user.
import "server-only";
import { isSameOrigin } from "./same-origin";
import { currentUser } from "./session";
import type { Role, SessionUser } from "./session-core";

export type { Role, SessionUser } from "./session-core";

/** Thrown by the guards: 401 when nobody is signed in (or has the wrong kind of session), 403 when the role is not enough. */
export class AuthError extends Error {
  constructor(
    readonly status: 401 | 403,
    message = status === 401 ? "sign-in required" : "not allowed",
  ) {
    super(message);
    this.name = "AuthError";
  }
}

export function isAuthError(error: unknown): error is AuthError {
  return error instanceof AuthError || (error instanceof Error && error.name === "AuthError" && "status" in error);
}

/** Anyone with a session, anonymous learners included. */
export async function requireUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) throw new AuthError(401);
  return user;
}

/** Someone signed in with an account (an email), not an anonymous learner. */
export async function requireAccount(): Promise<SessionUser> {
  const user = await requireUser();
  if (!user.email) throw new AuthError(401, "an account is required");
  return user;
}

/** A signed-in account holding one of these roles. */
export async function requireRole(...roles: Role[]): Promise<SessionUser> {
  return assertRole(await currentUser(), ...roles);
}

/** requireRole's rule for a user found some other way (a data context in tests, the socket). */
export function assertRole(user: SessionUser | null, ...roles: Role[]): SessionUser {
  if (!user?.email) throw new AuthError(401, user ? "an account is required" : "sign-in required");
  if (!roles.includes(user.role)) throw new AuthError(403);
  return user;
}

/** For route handlers: an AuthError becomes its status with a short JSON body; anything else is rethrown. */
export function authErrorResponse(error: unknown): Response {
  if (isAuthError(error)) return Response.json({ error: error.message }, { status: error.status, headers: { "cache-control": "no-store" } });
  throw error;
}

/** For state-changing route handlers (Next checks server actions itself): a 403 unless the request comes from this site's pages. */
export function requireSameOrigin(request: Request): void {
  if (!isSameOrigin(request.headers, request.method)) throw new AuthError(403, "cross-site request refused");
}
