"use server";
// The lab panel's server actions: thin validated actions (validated-action.ts) over the data layer.
import { z } from "zod";
import { refuse, validatedAction } from "@/app/_lib/actions/validated-action";
import { routing } from "@/app/_lib/i18n/routing";
import { lessonLabNeed, myLabStatus, resetMyLab, resetMyLabForLesson, startMyLab, stopMyLab, switchMyLabForLesson, terminalTicket } from "@/app/_lib/data/labs";
import { lessonIdSchema } from "@/app/_lib/lessons/schema";
import { EngineUnavailableError } from "@/sandbox/manager/engine-watch";

/** The container engine is away: the panel says so and offers Start again once it is back. */
const refusalFor = (error: unknown) => (error instanceof EngineUnavailableError ? { error: "engineUnavailable" as const } : undefined);
const none = z.undefined();

/** The lesson only says which profile to start (its front matter decides, never the client). */
export const startLabAction = validatedAction(
  // A page that is not a known lesson (a 404 under /lessons/) still starts a sim lab.
  z.strictObject({ locale: z.enum(routing.locales), lessonId: lessonIdSchema.nullable().catch(null) }),
  ({ locale, lessonId }) => startMyLab(locale, lessonId),
  { name: "startLab", refusalFor },
);

export const stopLabAction = validatedAction(none, () => stopMyLab(), { name: "stopLab", refusalFor });

export const resetLabAction = validatedAction(none, () => resetMyLab(), { name: "resetLab", refusalFor });

/** Reset, then the lesson's setups: the lesson as it starts, whatever earlier lessons left. */
export const resetForLessonAction = validatedAction(z.strictObject({ lessonId: lessonIdSchema }), ({ lessonId }) => resetMyLabForLesson(lessonId), {
  name: "resetForLesson",
  refusalFor,
});

/** Which profile the open lesson needs, so the panel can offer to switch a lab of the other kind. */
export const lessonLabAction = validatedAction(z.strictObject({ lessonId: lessonIdSchema }), ({ lessonId }) => lessonLabNeed(lessonId), { name: "lessonLab" });

/** The learner's lab of the wrong profile for this lesson stops, and one of the right profile starts. */
export const switchLabAction = validatedAction(
  z.strictObject({ locale: z.enum(routing.locales), lessonId: lessonIdSchema }),
  ({ locale, lessonId }) => switchMyLabForLesson(locale, lessonId),
  { name: "switchLab", refusalFor },
);

export const labStatusAction = validatedAction(none, () => myLabStatus(), { name: "labStatus", refusalFor });

export const terminalTicketAction = validatedAction(
  none,
  async () => {
    const ticket = await terminalTicket();
    if (!ticket.ok) refuse(ticket.reason === "no-session" ? "signIn" : "noLab");
    return { token: ticket.token };
  },
  { name: "terminalTicket", refusalFor },
);
