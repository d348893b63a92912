// Who is asking, inside Next. A learner without a session gets an anonymous one the first
// time they do something that needs an owner (starting a lab); reading needs none.
import "server-only";
import { cookies } from "next/headers";
import { env } from "@/app/_lib/config/env";
import { db } from "@/app/_lib/db/client";
import { createAnonymousSession, findSessionUser, SESSION_COOKIE, type SessionUser } from "./session-core";

export async function currentUser(): Promise<SessionUser | null> {
  const jar = await cookies();
  return findSessionUser(db, jar.get(SESSION_COOKIE)?.value);
}

/** The raw cookie token, for sign-out and rotation. */
export async function currentSessionToken(): Promise<string | undefined> {
  return (await cookies()).get(SESSION_COOKIE)?.value;
}

/** Only where cookies may be set: server actions and route handlers. httpOnly, SameSite=Lax, Secure behind HTTPS. */
export async function setSessionCookie(session: { token: string; expiresAt: Date }): Promise<void> {
  const jar = await cookies();
  jar.set(SESSION_COOKIE, session.token, {
    httpOnly: true,
    sameSite: "lax",
    secure: env().KUBELAB_SECURE_COOKIES === "1",
    path: "/",
    expires: session.expiresAt,
  });
}

export async function clearSessionCookie(): Promise<void> {
  (await cookies()).delete({ name: SESSION_COOKIE, path: "/" });
}

/** Only where cookies may be set: server actions and route handlers. */
export async function currentOrAnonymousUser(locale: string): Promise<SessionUser> {
  const existing = await currentUser();
  if (existing) return existing;
  const session = await createAnonymousSession(db, locale);
  await setSessionCookie(session);
  return { userId: session.userId, role: "learner", email: null, displayName: null };
}
