"use server";
// The lab panel's server actions: thin wrappers that check their input and call the data layer.
import { z } from "zod";
import { routing } from "@/app/_lib/i18n/routing";
import { myLabStatus, resetMyLab, resetMyLabForLesson, startMyLab, stopMyLab, terminalTicket } from "@/app/_lib/data/labs";
import { lessonIdSchema } from "@/app/_lib/lessons/schema";

const localeSchema = z.enum(routing.locales);

/** The lesson only says which profile to start (its front matter decides, never the client). */
export async function startLabAction(locale: unknown, lessonId: unknown = null) {
  // A page that is not a known lesson (a 404 under /lessons/) still starts a sim lab.
  return startMyLab(localeSchema.parse(locale), lessonIdSchema.nullable().catch(null).parse(lessonId));
}

export async function stopLabAction() {
  return stopMyLab();
}

export async function resetLabAction() {
  return resetMyLab();
}

/** Reset, then the lesson's setups: the lesson as it starts, whatever earlier lessons left. */
export async function resetForLessonAction(lessonId: unknown) {
  return resetMyLabForLesson(lessonIdSchema.parse(lessonId));
}

export async function labStatusAction() {
  return myLabStatus();
}

export async function terminalTicketAction() {
  return terminalTicket();
}
