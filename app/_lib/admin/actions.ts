"use server";
// The admin page's forms: thin actions that read the form with zod and call the data layer,
// which checks for the admin role itself. The page re-renders with fresh data afterwards.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { isAuthError } from "@/app/_lib/auth/guards";
import { createInstructor, createInstructorSchema, sandboxIdSchema, setRoleSchema, setUserRole, stopLab } from "@/app/_lib/data/admin";
import { routing } from "@/app/_lib/i18n/routing";

export interface AdminFormState {
  ok?: boolean;
  /** A message key in the "Admin.results" namespace. */
  result?: "forbidden" | "labStopped" | "labNotFound" | "noRuntime" | "roleChanged" | "userNotFound" | "ownRole" | "instructorCreated" | "emailTaken" | "invalidInput";
  values?: { email?: string; displayName?: string };
}

const localeSchema = z.enum(routing.locales).catch(routing.defaultLocale);

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

function refresh() {
  revalidatePath("/[locale]/admin", "page");
}

/** Someone who is not (or no longer) an admin gets a refusal the form can show, not a crash. */
async function asAdmin(run: () => Promise<AdminFormState>): Promise<AdminFormState> {
  try {
    return await run();
  } catch (error) {
    if (isAuthError(error)) return { ok: false, result: "forbidden" };
    throw error;
  }
}

export async function stopLabAdminAction(_previous: AdminFormState, form: FormData): Promise<AdminFormState> {
  return asAdmin(async () => {
    const id = sandboxIdSchema.safeParse(text(form, "sandboxId"));
    if (!id.success) return { ok: false, result: "invalidInput" };
    const outcome = await stopLab(id.data);
    refresh();
    return outcome.ok ? { ok: true, result: "labStopped" } : { ok: false, result: outcome.reason === "no-runtime" ? "noRuntime" : "labNotFound" };
  });
}

export async function setRoleAdminAction(_previous: AdminFormState, form: FormData): Promise<AdminFormState> {
  return asAdmin(async () => {
    const input = setRoleSchema.safeParse({ userId: text(form, "userId"), role: text(form, "role") });
    if (!input.success) return { ok: false, result: "invalidInput" };
    const outcome = await setUserRole(input.data);
    refresh();
    if (outcome.ok) return { ok: true, result: "roleChanged" };
    return { ok: false, result: outcome.reason === "own-role" ? "ownRole" : "userNotFound" };
  });
}

export async function createInstructorAdminAction(_previous: AdminFormState, form: FormData): Promise<AdminFormState> {
  return asAdmin(async () => {
    const locale = localeSchema.parse(text(form, "locale"));
    const values = { email: text(form, "email"), displayName: text(form, "displayName") };
    const raw = { ...values, password: text(form, "password") };
    if (!createInstructorSchema.safeParse(raw).success) return { ok: false, result: "invalidInput", values };
    const outcome = await createInstructor(raw, locale);
    refresh();
    return outcome.ok ? { ok: true, result: "instructorCreated" } : { ok: false, result: "emailTaken", values };
  });
}
