// The Prisma client for code inside Next (pages, server actions, route handlers). Only the
// data layer in app/_lib/data imports it.
import "server-only";
import { prisma } from "./create";

export const db = prisma();
