// kubelab runs on SQLite or PostgreSQL, chosen by DATABASE_URL alone. A Prisma schema names
// exactly one provider, so there is ONE schema source, prisma/schema.prisma (SQLite), and
// the PostgreSQL schema, prisma/postgresql/schema.prisma, is written from it by this file:
// the same models, only the datasource provider differs. Each provider has its own generated
// client (prisma/generated, prisma/postgresql/generated) and its own migrations
// (prisma/migrations, prisma/postgresql/migrations), kept in step by prisma/new-migration.ts
// and checked by test/unit/migrations-in-step.test.ts. See prisma/README.md.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";

export type Provider = "sqlite" | "postgresql";
export const PROVIDERS: readonly Provider[] = ["sqlite", "postgresql"];

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");

export interface ProviderFiles {
  /** The schema Prisma reads for this provider. */
  schema: string;
  migrations: string;
}

export function providerFiles(provider: Provider, projectRoot = root): ProviderFiles {
  const dir = provider === "sqlite" ? path.join(projectRoot, "prisma") : path.join(projectRoot, "prisma/postgresql");
  return { schema: path.join(dir, "schema.prisma"), migrations: path.join(dir, "migrations") };
}

/** Which database a DATABASE_URL names; anything else is refused with the forms that work. */
export function providerOf(url: string): Provider {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgresql";
  throw new Error(`DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL); got ${url.split(":")[0]}:`);
}

const HEADER =
  "// GENERATED from prisma/schema.prisma by prisma/providers.ts (npm run db:schemas): do not edit.\n" +
  "// The PostgreSQL variant of kubelab's one schema source; only the datasource provider differs.\n\n";

/** The PostgreSQL schema text made from the SQLite source: the datasource block's provider swapped. */
export function postgresqlSchema(sqliteSource: string): string {
  const datasource = /datasource\s+db\s*\{[^}]*\}/;
  const block = sqliteSource.match(datasource)?.[0];
  if (!block || !/provider\s*=\s*"sqlite"/.test(block)) {
    throw new Error('prisma/schema.prisma must have a `datasource db` block with provider = "sqlite" (the one schema source)');
  }
  return HEADER + sqliteSource.replace(datasource, block.replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"'));
}

/** Writes prisma/postgresql/schema.prisma; returns whether it changed. */
export function writeProviderSchemas(projectRoot = root): boolean {
  const source = readFileSync(providerFiles("sqlite", projectRoot).schema, "utf8");
  const target = providerFiles("postgresql", projectRoot).schema;
  const text = postgresqlSchema(source);
  let before: string | undefined;
  try {
    before = readFileSync(target, "utf8");
  } catch {
    before = undefined;
  }
  if (before === text) return false;
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, text);
  return true;
}

// CLI: `npm run db:schemas`.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(writeProviderSchemas() ? "[db] wrote prisma/postgresql/schema.prisma" : "[db] prisma/postgresql/schema.prisma is up to date");
}
