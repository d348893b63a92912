"use server";
// Sign-in, sign-up and sign-out forms: thin actions that check the form with zod, call the data
// layer, and send the person on to a path of this site. Next checks the Origin of every action.
import { redirect } from "next/navigation";
import { z } from "zod";
import { myAccountStatus, signInWithPassword, signOut, signUpWithPassword } from "@/app/_lib/data/accounts";
import { isStorageFull } from "@/app/_lib/db/storage-full";
import { routing } from "@/app/_lib/i18n/routing";
import { signInSchema, signUpSchema } from "./accounts-core";
import type { AuthFormState, FieldErrorKey } from "./form-state";
import { safeNextPath } from "./safe-next";

const localeSchema = z.enum(routing.locales).catch(routing.defaultLocale);

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

/** A write the full disk refused becomes the form's "storageFull" error; anything else still throws. */
async function unlessStorageFull<T>(write: () => Promise<T>, values: AuthFormState["values"]): Promise<T | AuthFormState> {
  try {
    return await write();
  } catch (error) {
    if (isStorageFull(error)) return { error: "storageFull", values } satisfies AuthFormState;
    throw error;
  }
}

const FIELD_ERROR_KEYS: readonly FieldErrorKey[] = ["email", "passwordTooShort", "tooLong", "required"];

function fieldErrors(error: z.ZodError): AuthFormState["fieldErrors"] {
  const out: AuthFormState["fieldErrors"] = {};
  for (const issue of error.issues) {
    const field = issue.path[0];
    if (field !== "email" && field !== "password" && field !== "displayName") continue;
    // The schemas' messages are these keys; anything else (a missing field) reads as "required".
    out[field] ??= FIELD_ERROR_KEYS.find((k) => k === issue.message) ?? "required";
  }
  return out;
}

export async function signInAction(_previous: AuthFormState, form: FormData): Promise<AuthFormState> {
  const locale = localeSchema.parse(text(form, "locale"));
  const parsed = signInSchema.safeParse({ email: text(form, "email"), password: text(form, "password") });
  if (!parsed.success) return { error: "invalidInput", fieldErrors: fieldErrors(parsed.error), values: { email: text(form, "email") } };
  const outcome = await unlessStorageFull(() => signInWithPassword(parsed.data), { email: parsed.data.email });
  if (!("ok" in outcome)) return outcome;
  if (!outcome.ok) return { error: outcome.error, retryAfterSeconds: outcome.retryAfterSeconds, values: outcome.values };
  redirect(safeNextPath(text(form, "next"), locale));
}

export async function signUpAction(_previous: AuthFormState, form: FormData): Promise<AuthFormState> {
  const locale = localeSchema.parse(text(form, "locale"));
  const values = { email: text(form, "email"), displayName: text(form, "displayName") };
  const parsed = signUpSchema.safeParse({ ...values, password: text(form, "password") });
  if (!parsed.success) return { error: "invalidInput", fieldErrors: fieldErrors(parsed.error), values };
  const outcome = await unlessStorageFull(() => signUpWithPassword({ ...parsed.data, locale }), values);
  if (!("ok" in outcome)) return outcome;
  if (!outcome.ok) return { error: outcome.error, retryAfterSeconds: outcome.retryAfterSeconds, values: outcome.values };
  redirect(safeNextPath(text(form, "next"), locale));
}

export async function signOutAction(form: FormData): Promise<void> {
  const locale = localeSchema.parse(text(form, "locale"));
  await signOut();
  redirect(`/${locale}`);
}

export async function accountStatusAction() {
  return myAccountStatus();
}
