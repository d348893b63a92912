// The administrator's view: every lab on this server, capacity and queue, and the accounts,
// with the two things an admin does there (stop a lab, give someone a role) and one more
// (create an instructor account). Each function checks for the admin role itself.
import "server-only";
import { z } from "zod";
import { emailSchema, passwordSchema, displayNameSchema, signUp } from "@/app/_lib/auth/accounts-core";
import { assertRole } from "@/app/_lib/auth/guards";
import { ROLES, roleOf, type Role, type SessionUser } from "@/app/_lib/auth/session-core";
import { type DataContext, requestContext } from "./data-context";
import type { LabManager } from "@/sandbox/manager/manager";
import { ACTIVE_STATUSES } from "@/sandbox/manager/view";
import { providerStateSchema } from "@/sandbox/providers/types";

async function admin(ctx: DataContext): Promise<SessionUser> {
  return assertRole(await ctx.asker(), "admin");
}

export interface AdminLab {
  id: string;
  ownerEmail: string | null;
  /** True for a learner without an account; false with ownerEmail null means a pooled lab. */
  anonymousOwner: boolean;
  profile: string;
  status: string;
  createdAt: Date;
  lastActivityAt: Date;
  memoryBytes: number | null;
}

/** Every active lab (pooled, starting, ready) and every queue place, newest first. */
export async function listLabs(ctx?: DataContext): Promise<AdminLab[]> {
  ctx ??= await requestContext();
  await admin(ctx);
  const rows = await ctx.db.sandbox.findMany({
    where: { status: { in: [...ACTIVE_STATUSES, "queued"] } },
    orderBy: { createdAt: "desc" },
    include: { user: { select: { email: true } } },
    take: 1000,
  });
  const provider = ctx.runtime()?.provider;
  return Promise.all(
    rows.map(async (row) => {
      const state = providerStateSchema.safeParse(safeJson(row.providerState));
      const memoryBytes = provider && state.success && row.status !== "queued" ? await provider.memoryBytes(state.data).catch(() => null) : null;
      return {
        id: row.id,
        ownerEmail: row.user?.email ?? null,
        anonymousOwner: row.userId !== null && !row.user?.email,
        profile: row.profile,
        status: row.status,
        createdAt: row.createdAt,
        lastActivityAt: row.lastActivityAt,
        memoryBytes,
      };
    }),
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export type LabCapacity = Awaited<ReturnType<LabManager["summary"]>> | null;

/** Capacity, pool and queue from the manager; null when this process runs no labs. */
export async function labCapacity(ctx?: DataContext): Promise<LabCapacity> {
  ctx ??= await requestContext();
  await admin(ctx);
  return (await ctx.runtime()?.manager.summary()) ?? null;
}

export const sandboxIdSchema = z.string().min(1).max(64).regex(/^[a-z0-9]+$/);

export type StopLabResult = { ok: true } | { ok: false; reason: "not-found" | "no-runtime" };

export async function stopLab(sandboxId: string, ctx?: DataContext): Promise<StopLabResult> {
  ctx ??= await requestContext();
  await admin(ctx);
  const id = sandboxIdSchema.parse(sandboxId);
  const manager = ctx.runtime()?.manager;
  if (!manager) return { ok: false, reason: "no-runtime" };
  return (await manager.endLab(id, "removed")) ? { ok: true } : { ok: false, reason: "not-found" };
}

export interface AdminUser {
  id: string;
  email: string;
  displayName: string | null;
  role: Role;
  createdAt: Date;
  lastSeenAt: Date;
}

/** Accounts (anonymous learners are only counted). */
export async function listUsers(ctx?: DataContext): Promise<{ accounts: AdminUser[]; anonymous: number }> {
  ctx ??= await requestContext();
  await admin(ctx);
  const [rows, anonymous] = await Promise.all([
    ctx.db.user.findMany({ where: { email: { not: null } }, orderBy: { createdAt: "asc" }, take: 2000 }),
    ctx.db.user.count({ where: { email: null } }),
  ]);
  return {
    accounts: rows.map((u) => ({ id: u.id, email: u.email!, displayName: u.displayName, role: roleOf(u.role), createdAt: u.createdAt, lastSeenAt: u.lastSeenAt })),
    anonymous,
  };
}

export const setRoleSchema = z.object({ userId: z.string().min(1).max(64).regex(/^[a-z0-9]+$/), role: z.enum(ROLES) });

export type SetRoleResult = { ok: true } | { ok: false; reason: "not-found" | "own-role" };

/** "An admin makes an instructor." An admin cannot change their own role, so there is always one left. */
export async function setUserRole(input: z.input<typeof setRoleSchema>, ctx?: DataContext): Promise<SetRoleResult> {
  ctx ??= await requestContext();
  const me = await admin(ctx);
  const { userId, role } = setRoleSchema.parse(input);
  if (userId === me.userId) return { ok: false, reason: "own-role" };
  // Only accounts get roles; an anonymous row could never sign in to use one. A changed role
  // ends the user's sessions in the same transaction: a demoted instructor's open pages and
  // streams lose their standing at once, and a promoted one signs in afresh to a new session.
  const found = await ctx.db.$transaction(async (tx) => {
    const target = await tx.user.findFirst({ where: { id: userId, email: { not: null } }, select: { role: true } });
    if (!target) return false;
    if (target.role !== role) {
      await tx.user.update({ where: { id: userId }, data: { role } });
      await tx.session.deleteMany({ where: { userId } });
    }
    return true;
  });
  return found ? { ok: true } : { ok: false, reason: "not-found" };
}

export const createInstructorSchema = z.object({ email: emailSchema, password: passwordSchema, displayName: displayNameSchema.optional().default("") });

export type CreateInstructorResult = { ok: true; userId: string } | { ok: false; reason: "emailTaken" };

export async function createInstructor(input: z.input<typeof createInstructorSchema>, locale: string, ctx?: DataContext): Promise<CreateInstructorResult> {
  ctx ??= await requestContext();
  await admin(ctx);
  const data = createInstructorSchema.parse(input);
  const result = await signUp(ctx.db, { ...data, locale, role: "instructor", currentUserId: null });
  return result.ok ? { ok: true, userId: result.userId } : { ok: false, reason: "emailTaken" };
}
