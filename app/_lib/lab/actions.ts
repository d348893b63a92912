"use server";
// The lab panel's server actions: thin wrappers that check their input and call the data layer.
import { z } from "zod";
import { routing } from "@/app/_lib/i18n/routing";
import { myLabStatus, resetMyLab, startMyLab, stopMyLab, terminalTicket } from "@/app/_lib/data/labs";

const localeSchema = z.enum(routing.locales);

export async function startLabAction(locale: unknown) {
  return startMyLab(localeSchema.parse(locale));
}

export async function stopLabAction() {
  return stopMyLab();
}

export async function resetLabAction() {
  return resetMyLab();
}

export async function labStatusAction() {
  return myLabStatus();
}

export async function terminalTicketAction() {
  return terminalTicket();
}
