// The process's one Prisma client. server.ts (run by tsx) and Next's server bundle load
// separate copies of every module, so the client lives on globalThis: whichever side asks
// first creates it, and both share one connection pool.
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { env } from "@/app/_lib/config/env";
import { PrismaClient } from "./generated/client";

export type Db = PrismaClient;

function createClient(): PrismaClient {
  const url = env().DATABASE_URL;
  if (!url.startsWith("file:")) {
    throw new Error("This build uses the SQLite adapter; see README → Configuration to switch to PostgreSQL.");
  }
  const file = path.resolve(/*turbopackIgnore: true*/ process.cwd(), url.slice("file:".length));
  return new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: file }) });
}

const holder = globalThis as unknown as { kubelabPrisma?: PrismaClient };

export function prisma(): PrismaClient {
  holder.kubelabPrisma ??= createClient();
  return holder.kubelabPrisma;
}
