"use server";
// Sign-in, sign-up and sign-out forms: thin validated actions (validated-action.ts) over the
// data layer; on success they send the person on to a path of this site. Next checks the
// Origin of every action.
import { redirect } from "next/navigation";
import { z } from "zod";
import { refuse, validatedAction, validatedFormAction } from "@/app/_lib/actions/validated-action";
import { myAccountStatus, signInWithPassword, signOut, signUpWithPassword } from "@/app/_lib/data/accounts";
import { routing } from "@/app/_lib/i18n/routing";
import { signInSchema, signUpSchema } from "./accounts-core";
import { safeNextPath } from "./safe-next";

const localeField = z.enum(routing.locales).catch(routing.defaultLocale);
const where = { locale: localeField, next: z.string().max(2048).catch("") };

type Outcome = Awaited<ReturnType<typeof signInWithPassword>>;

/** A refused sign-in or sign-up keeps its own key (invalidCredentials, emailTaken, rateLimited). */
function unlessRefused(outcome: Outcome, locale: string, next: string): never {
  if (!outcome.ok) refuse(outcome.error, { ...(outcome.retryAfterSeconds && { retryAfterSeconds: outcome.retryAfterSeconds }), values: outcome.values });
  redirect(safeNextPath(next, locale));
}

export const signInAction = validatedFormAction(
  signInSchema.extend(where),
  async ({ locale, next, ...input }) => unlessRefused(await signInWithPassword(input), locale, next),
  { name: "signIn", keep: ["email"] },
);

export const signUpAction = validatedFormAction(
  signUpSchema.extend(where),
  async ({ locale, next, ...input }) => unlessRefused(await signUpWithPassword({ ...input, locale }), locale, next),
  { name: "signUp", keep: ["email", "displayName"] },
);

/** A plain <form action> (no state to show): signs out and goes home. */
export async function signOutAction(form: FormData): Promise<void> {
  const locale = localeField.parse(form.get("locale"));
  await signOut();
  redirect(`/${locale}`);
}

export const accountStatusAction = validatedAction(z.undefined(), () => myAccountStatus(), { name: "accountStatus" });
