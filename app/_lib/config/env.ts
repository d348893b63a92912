// Every environment variable kubelab reads, parsed once at start. A bad value stops the
// process with the variable's name instead of failing later somewhere unrelated.
import { z } from "zod";

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().min(1).default("0.0.0.0"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** SQLite file (default) or, later, a PostgreSQL URL. */
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, "must start with file: or postgresql://")
    .default("file:./data/kubelab.db"),
  /** Where compiled lessons are cached between restarts. */
  KUBELAB_LESSON_CACHE_DIR: z.string().min(1).default("./data/cache/lessons"),
  /** Where lesson sources live; tests point it at fixtures. */
  KUBELAB_CONTENT_DIR: z.string().min(1).default("./content"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Env = z.infer<typeof schema>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment configuration:\n${lines.join("\n")}`);
  }
  return result.data;
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
