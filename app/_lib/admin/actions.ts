"use server";
// The admin page's forms: thin validated actions (validated-action.ts) over the data layer,
// which checks for the admin role itself. Success answers with a key in "Admin.results"; a
// refusal with a key in "Actions.errors". The page re-renders with fresh data afterwards.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { refuse, validatedFormAction } from "@/app/_lib/actions/validated-action";
import { createInstructor, createInstructorSchema, sandboxIdSchema, setRoleSchema, setUserRole, stopLab } from "@/app/_lib/data/admin";
import { routing } from "@/app/_lib/i18n/routing";

function refresh() {
  revalidatePath("/[locale]/admin", "page");
}

export const stopLabAdminAction = validatedFormAction(
  z.object({ sandboxId: sandboxIdSchema }),
  async ({ sandboxId }) => {
    const outcome = await stopLab(sandboxId);
    refresh();
    if (!outcome.ok) refuse(outcome.reason === "no-runtime" ? "noRuntime" : "labNotFound");
    return "labStopped" as const;
  },
  { name: "stopLabAdmin" },
);

export const setRoleAdminAction = validatedFormAction(
  setRoleSchema,
  async (input) => {
    const outcome = await setUserRole(input);
    refresh();
    if (!outcome.ok) refuse(outcome.reason === "own-role" ? "ownRole" : "userNotFound");
    return "roleChanged" as const;
  },
  { name: "setRoleAdmin" },
);

export const createInstructorAdminAction = validatedFormAction(
  createInstructorSchema.extend({ locale: z.enum(routing.locales).catch(routing.defaultLocale) }),
  async ({ locale, ...input }) => {
    const outcome = await createInstructor({ ...input, displayName: input.displayName ?? "" }, locale);
    refresh();
    if (!outcome.ok) refuse("emailTaken");
    return "instructorCreated" as const;
  },
  { name: "createInstructorAdmin", keep: ["email", "displayName"] },
);
