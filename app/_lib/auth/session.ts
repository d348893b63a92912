// Who is asking, inside Next: the session cookie, read and written. A learner without a
// session gets an anonymous one the first time they do something that needs an owner
// (starting a lab, app/_lib/data/labs.ts); reading needs none.
import "server-only";
import { cookies, headers } from "next/headers";
import { db } from "@/app/_lib/db/client";
import { peerUsesHttps } from "./peer-address";
import { findSessionUser, sessionCookieName, type SessionUser } from "./session-core";

/** `__Host-` and Secure when the browser came over HTTPS (KUBELAB_SECURE_COOKIES or a trusted proxy's word; see peer-address.ts). */
async function cookieName(): Promise<{ name: string; secure: boolean }> {
  const secure = peerUsesHttps(await headers());
  return { name: sessionCookieName(secure), secure };
}

export async function currentUser(): Promise<SessionUser | null> {
  const jar = await cookies();
  return findSessionUser(db, jar.get((await cookieName()).name)?.value);
}

/** The raw cookie token, for sign-out and rotation. */
export async function currentSessionToken(): Promise<string | undefined> {
  return (await cookies()).get((await cookieName()).name)?.value;
}

/** Only where cookies may be set: server actions and route handlers. httpOnly, SameSite=Lax, Secure and `__Host-` over HTTPS. */
export async function setSessionCookie(session: { token: string; expiresAt: Date }): Promise<void> {
  const jar = await cookies();
  const { name, secure } = await cookieName();
  jar.set(name, session.token, { httpOnly: true, sameSite: "lax", secure, path: "/", expires: session.expiresAt });
}

export async function clearSessionCookie(): Promise<void> {
  const { name, secure } = await cookieName();
  (await cookies()).delete({ name, path: "/", secure });
}

/**
 * For a long-lived response (an event stream): a function that asks again later who this
 * request's session belongs to, by the token it carried. Next's cookies() only answers while
 * the request is being handled, so the token is read now; a session ended since (sign-out, a
 * role change, expiry) then answers null.
 */
export async function sessionRechecker(): Promise<() => Promise<SessionUser | null>> {
  const token = await currentSessionToken();
  return () => findSessionUser(db, token);
}
