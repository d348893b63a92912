// Sessions without Next: used by the data layer and by server.ts (the terminal socket),
// which both need to know who a cookie belongs to. Only a hash of the cookie is stored.
import { createHash, randomBytes } from "node:crypto";
import type { PrismaClient } from "@/prisma/generated/client";

export const SESSION_COOKIE = "kubelab_session";
/**
 * The cookie's name over HTTPS. Browsers accept a `__Host-` cookie only with Secure, Path=/ and
 * no Domain, so a sibling subdomain or a plain-HTTP page cannot plant or overwrite it; over
 * HTTPS only this name is read, or the protection would be worth nothing.
 */
export const SECURE_SESSION_COOKIE = "__Host-kubelab_session";

export function sessionCookieName(https: boolean): string {
  return https ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}
export const SESSION_DAYS = 30;
/** Open event streams ask again this often whether their session may still listen: a revoked one is cut off well within a minute. */
export const STREAM_RECHECK_MS = 20_000;

export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export const ROLES = ["learner", "instructor", "admin"] as const;
export type Role = (typeof ROLES)[number];

export interface SessionUser {
  userId: string;
  role: Role;
  /** Null for an anonymous learner (no account yet). */
  email: string | null;
  displayName: string | null;
}

/** The role column is a plain string (SQLite has no enum); anything unknown is the least privileged. */
export function roleOf(value: string): Role {
  return (ROLES as readonly string[]).includes(value) ? (value as Role) : "learner";
}

export async function findSessionUser(db: PrismaClient, token: string | undefined): Promise<SessionUser | null> {
  if (!token || token.length > 200) return null;
  const session = await db.session.findUnique({ where: { tokenHash: hashSessionToken(token) }, include: { user: true } });
  if (!session || session.expiresAt.getTime() < Date.now()) return null;
  const { user } = session;
  return { userId: user.id, role: roleOf(user.role), email: user.email, displayName: user.displayName };
}

/** A learner with no account yet: a user row and a session, so progress and labs have an owner. */
export async function createAnonymousSession(db: PrismaClient, locale: string): Promise<{ token: string; userId: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 24 * 3600 * 1000);
  const user = await db.user.create({
    data: { locale, sessions: { create: { tokenHash: hashSessionToken(token), expiresAt } } },
  });
  return { token, userId: user.id, expiresAt };
}

/** Reads one cookie from a raw Cookie header (the socket upgrade has no Next helpers). */
export function cookieFrom(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
