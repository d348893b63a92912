// The shapes that cross a boundary around cohorts: what an instructor submits, the ids in
// URLs, and the frames of the dashboard's event stream. Shared by server and browser, so it
// imports nothing from the server.
import { z } from "zod";
import { lessonIdSchema } from "@/app/_lib/lessons/schema";

/** cuid() ids of User and Cohort rows. Anything else in a URL is refused before a query. */
export const rowIdSchema = z.string().regex(/^[a-z0-9]{20,32}$/, "not an id");

/** 24 base64url characters (144 random bits): nobody guesses one. */
export const inviteCodeSchema = z.string().regex(/^[A-Za-z0-9_-]{24}$/, "not an invite code");

export const cohortInputSchema = z
  .strictObject({
    name: z.string().trim().min(1, "name-required").max(100, "name-too-long"),
    /** null: the whole course, including lessons added later. */
    lessonIds: z.array(lessonIdSchema).min(1, "lessons-required").max(200).nullable(),
    startsAt: z.iso.datetime({ offset: true, message: "date-invalid" }),
    endsAt: z.iso.datetime({ offset: true, message: "date-invalid" }),
  })
  .refine((c) => Date.parse(c.endsAt) > Date.parse(c.startsAt), { message: "dates-order", path: ["endsAt"] });
export type CohortInput = z.infer<typeof cohortInputSchema>;

export const outcomeSchema = z.enum(["pass", "fail", "error"]);

/** How the matrix addresses one learner's progress on one exercise. */
export function cellKey(userId: string, lessonId: string, exerciseId: string): string {
  return `${userId}/${lessonId}/${exerciseId}`;
}

/** One learner's progress on one exercise, as the dashboard stream relays it. */
export const progressFrameSchema = z.strictObject({
  userId: rowIdSchema,
  lessonId: lessonIdSchema,
  exerciseId: z.string().min(1).max(100),
  outcome: outcomeSchema,
  attempts: z.number().int().min(0),
  firstPassedAt: z.iso.datetime().nullable(),
  at: z.iso.datetime(),
});
export type ProgressFrame = z.infer<typeof progressFrameSchema>;

/** Someone joined, was removed or re-admitted: the dashboard reloads its roster. */
export const rosterFrameSchema = z.strictObject({ cohortId: rowIdSchema, at: z.iso.datetime() });
export type RosterFrame = z.infer<typeof rosterFrameSchema>;
