// The one Prisma client of the process. Server code reaches the database only through
// app/_lib/data, which imports this.
import "server-only";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import path from "node:path";
import { env } from "@/app/_lib/config/env";
import { PrismaClient } from "./generated/client";

function createClient(): PrismaClient {
  const url = env().DATABASE_URL;
  if (!url.startsWith("file:")) {
    throw new Error("This build uses the SQLite adapter; see README → Configuration to switch to PostgreSQL.");
  }
  const file = url.slice("file:".length);
  const adapter = new PrismaBetterSqlite3({ url: path.resolve(/*turbopackIgnore: true*/ process.cwd(), file) });
  return new PrismaClient({ adapter });
}

const globalForPrisma = globalThis as unknown as { kubelabPrisma?: PrismaClient };
export const db: PrismaClient = (globalForPrisma.kubelabPrisma ??= createClient());
