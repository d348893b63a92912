// The process's one Prisma client. server.ts (run by tsx) and Next's server bundle load
// separate copies of every module, so the client lives on globalThis: whichever side asks
// first creates it, and both share one connection pool.
//
// DATABASE_URL alone picks the database: file:… is SQLite, postgres(ql)://… is PostgreSQL.
// Each has its own generated client (prisma/generated, prisma/postgresql/generated) from the
// one schema source (prisma/providers.ts). The models and their methods are the same, so the
// whole code base is typed against the SQLite client and the PostgreSQL one is handed out
// under that type: code that compiles against it runs on both (the data layer's tests run
// on both, see vitest.config.ts).
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { env } from "@/app/_lib/config/env";
import { PrismaClient } from "@/prisma/generated/client";
import { PrismaClient as PostgresPrismaClient } from "@/prisma/postgresql/generated/client";
import { providerOf } from "@/prisma/providers";
import { serializedFactory } from "./serialized-adapter";
import { processSingleton } from "@/app/_lib/process-singleton";

export type Db = PrismaClient;

function createClient(): PrismaClient {
  const url = env().DATABASE_URL;
  if (providerOf(url) === "postgresql") return postgresClient(postgresAdapter(url));
  const file = path.resolve(/*turbopackIgnore: true*/ process.cwd(), url.slice("file:".length));
  return sqliteClient(file);
}

/**
 * Connections per server process. A class's Checks and sign-ins are short statements; ten
 * keep them moving without crowding PostgreSQL's default 100 when several servers share it.
 */
export const POSTGRES_POOL_SIZE = 10;

export function postgresAdapter(url: string): PrismaPg {
  return new PrismaPg({ connectionString: url, max: POSTGRES_POOL_SIZE });
}

/** A client on a PostgreSQL adapter with the server's settings; tests use it too. */
export function postgresClient(adapter: PrismaPg): PrismaClient {
  const client = new PostgresPrismaClient({
    adapter,
    transactionOptions: { maxWait: TRANSACTION_WAIT_MS, timeout: TRANSACTION_WAIT_MS },
  });
  // Same models, same methods, generated for another provider (see the comment at the top).
  return client as unknown as PrismaClient;
}

/**
 * How long a write waits for another connection's write (a second kubelab process, a backup,
 * an operator's script) before SQLite gives up with "database is locked". better-sqlite3's
 * implicit default is 5 s; a class's Checks and sign-ins should outwait longer. The wait blocks
 * this process (better-sqlite3 is synchronous), so it is bounded: 10 s, not minutes.
 */
export const BUSY_TIMEOUT_MS = 10_000;
/** Interactive transactions queue behind each other on the one connection; Prisma's 2 s default wait failed Checks behind a slow one. */
export const TRANSACTION_WAIT_MS = 30_000;

/** A client on a SQLite file with the server's settings; tests use it too, so they run what production runs. */
export function sqliteClient(file: string): PrismaClient {
  return new PrismaClient({
    adapter: serializedFactory(new PrismaBetterSqlite3({ url: file, timeout: BUSY_TIMEOUT_MS })),
    transactionOptions: { maxWait: TRANSACTION_WAIT_MS, timeout: TRANSACTION_WAIT_MS },
  });
}

export function prisma(): PrismaClient {
  return processSingleton("prisma", createClient);
}
