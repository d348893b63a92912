// Prisma's schema engine, in its WebAssembly build (@prisma/schema-engine-wasm), for the
// migration tooling: the native engine that `prisma migrate` downloads cannot be fetched on
// offline hosts, while the Wasm build ships on npm and talks to the database through a driver
// adapter. Used by prisma/new-migration.ts (write the next migration for both providers) and
// test/unit/migrations-in-step.test.ts (the migrations reach exactly the schema). Dev tooling
// only: the server applies migrations with prisma/migrate.ts and never loads this.
//
// The package's version is pinned exactly (package.json): its SQL output is what the
// committed migrations were written with.
import { randomUUID } from "node:crypto";
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SchemaEngine as Engine, MigrationList } from "@prisma/schema-engine-wasm";
import { providerFiles, type Provider } from "./providers";

const require = createRequire(import.meta.url);

/** Loads the Wasm module by hand: the package's entry imports a .wasm file, which Node cannot. */
async function engineClass(): Promise<typeof Engine> {
  const glue = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const bg = (await import(glue)) as { __wbg_set_wasm(w: unknown): void; SchemaEngine: typeof Engine };
  const module = new WebAssembly.Module(readFileSync(path.join(path.dirname(glue), "schema_engine_bg.wasm")));
  const instance = new WebAssembly.Instance(module, { "./schema_engine_bg.js": bg as unknown as WebAssembly.ModuleImports });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return bg.SchemaEngine;
}

let loaded: Promise<typeof Engine> | undefined;

/**
 * The connection parts of a PostgreSQL URL as separate fields: the adapter makes its shadow
 * database by overriding `database`, which a `connectionString` would silently win over.
 */
export function pgConfig(url: string) {
  const u = new URL(url);
  return {
    host: decodeURIComponent(u.hostname),
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.slice(1)) || "postgres",
  };
}

export interface EngineTarget {
  provider: Provider;
  /**
   * PostgreSQL only: a server the engine may make (and drop) a scratch "shadow" database on,
   * to replay the migrations. SQLite replays them in memory.
   */
  postgresUrl?: string;
}

type Factory = PrismaBetterSqlite3 | PrismaPg;
type Connection = Awaited<ReturnType<Factory["connect"]>>;

/**
 * This engine build sends a whole migration script through executeRaw, which better-sqlite3
 * refuses ("more than one statement"): scripts without parameters go to executeScript.
 */
function scriptsAsScripts(factory: Factory): Factory {
  const wrap = (conn: Connection): Connection => {
    const executeRaw = conn.executeRaw.bind(conn);
    conn.executeRaw = async (query) =>
      query.args.length === 0 && query.sql.includes(";") ? (await conn.executeScript(query.sql), 0) : executeRaw(query);
    return conn;
  };
  const wrapped = Object.create(factory) as Factory;
  wrapped.connect = async () => wrap(await factory.connect());
  wrapped.connectToShadowDb = async () => wrap(await factory.connectToShadowDb());
  return wrapped;
}

/**
 * The engine reads PostgreSQL's catalogue, whose one-byte `"char"` columns (pg_class.relkind,
 * pg_constraint.contype) this adapter version refuses as an unsupported type: they are text.
 */
function charAsText<T extends object>(conn: T): T {
  const io = conn as unknown as { performIO(q: unknown): Promise<{ fields: { dataTypeID: number }[] }> };
  const performIO = io.performIO.bind(io);
  io.performIO = async (query) => {
    const result = await performIO(query);
    for (const field of result?.fields ?? []) if (field.dataTypeID === PG_CHAR) field.dataTypeID = PG_TEXT;
    return result;
  };
  return conn;
}
const PG_CHAR = 18;
const PG_TEXT = 25;

/**
 * The PostgreSQL adapter's own shadow database is dropped while its pool still holds a
 * connection ("is being accessed by other users"): here the pool closes first, then the
 * scratch database goes.
 */
function pgWithShadow(config: ReturnType<typeof pgConfig>): PrismaPg {
  const factory = new PrismaPg(config);
  const connect = factory.connect.bind(factory);
  factory.connect = async () => charAsText(await connect());
  factory.connectToShadowDb = async () => {
    const admin = await new PrismaPg(config).connect();
    const database = `kubelab_shadow_${randomUUID().replaceAll("-", "")}`;
    await admin.executeScript(`CREATE DATABASE "${database}"`);
    const shadow = charAsText(await new PrismaPg({ ...config, database }).connect());
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      await admin.executeScript(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.dispose();
    };
    return shadow;
  };
  return factory;
}

async function open(target: EngineTarget, schema: string): Promise<Engine> {
  const SchemaEngine = await (loaded ??= engineClass());
  let factory: Factory;
  if (target.provider === "sqlite") {
    factory = new PrismaBetterSqlite3({ url: ":memory:" });
  } else {
    if (!target.postgresUrl) throw new Error("The PostgreSQL schema engine needs a server URL (KUBELAB_TEST_POSTGRES_URL).");
    factory = pgWithShadow(pgConfig(target.postgresUrl));
  }
  return SchemaEngine.new({ datamodels: [["schema.prisma", schema]] }, () => {}, bindMigrationAwareSqlAdapterFactory(scriptsAsScripts(factory)));
}

/** A migrations folder in the engine's terms, read the way `prisma migrate` reads it. */
export function migrationList(dir: string): MigrationList {
  const lock = path.join(dir, "migration_lock.toml");
  const names = existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "migration.sql")))
        .map((d) => d.name)
        .sort()
    : [];
  return {
    baseDir: dir,
    lockfile: { path: "migration_lock.toml", content: existsSync(lock) ? readFileSync(lock, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: names.map((name) => ({
      path: name,
      migrationFile: { path: "migration.sql", content: { tag: "ok", value: readFileSync(path.join(dir, name, "migration.sql"), "utf8") } },
    })),
  };
}

const NO_FILTER = { externalTables: [], externalEnums: [] };

/**
 * The SQL that takes a database from the provider's committed migrations to its schema:
 * empty when they are in step. The migrations are replayed on a scratch database.
 */
export async function pendingSql(target: EngineTarget, projectRoot?: string): Promise<string> {
  const files = providerFiles(target.provider, projectRoot);
  const schema = readFileSync(files.schema, "utf8");
  const migrations = migrationList(files.migrations);
  const engine = await open(target, schema);
  try {
    const result = await engine.diff({
      // No migrations yet (a provider's first one): the diff starts from an empty database.
      from: migrations.migrationDirectories.length ? { tag: "migrations", ...migrations } : { tag: "empty" },
      to: { tag: "schemaDatamodel", files: [{ path: files.schema, content: schema }] },
      script: true,
      exitCode: null,
      filters: NO_FILTER,
    });
    return (result.stdout ?? "").trim() === "-- This is an empty migration." ? "" : (result.stdout ?? "").trim();
  } finally {
    engine.free();
  }
}

/**
 * The PostgreSQL server for tests and tooling: KUBELAB_TEST_POSTGRES_URL, or the login that
 * sandbox/host/postgres-test.sh saved for its loopback test cluster. Never DATABASE_URL: the
 * tools make and drop databases, which must not happen on a server that holds real data.
 */
export function testPostgresUrl(): string {
  const fromEnv = process.env.KUBELAB_TEST_POSTGRES_URL;
  if (fromEnv) return fromEnv;
  const file = path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), ".cache"), "kubelab/postgresql/test-url");
  if (!existsSync(file)) {
    throw new Error(
      `No PostgreSQL server for tests: ${file} is missing and KUBELAB_TEST_POSTGRES_URL is not set. ` +
        "Run `bash sandbox/host/postgres-test.sh` (root installs and starts Debian's PostgreSQL on loopback), " +
        "or set KUBELAB_TEST_POSTGRES_URL to a server where that role may create databases.",
    );
  }
  return readFileSync(file, "utf8").trim();
}
