// Inputs that cross into the server from the browser (actions, route params), checked once here.
import { z } from "zod";
import { lessonIdSchema } from "@/app/_lib/lessons/schema";

export const exerciseIdSchema = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/).max(80);
export const lessonRefSchema = z.strictObject({ lessonId: lessonIdSchema });
export const exerciseRefSchema = z.strictObject({ lessonId: lessonIdSchema, exerciseId: exerciseIdSchema });
