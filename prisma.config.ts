// Prisma CLI configuration. The runtime client gets its connection from app/_lib/db,
// which reads the same DATABASE_URL through the validated environment schema. The URL picks
// the schema and migrations too (prisma/providers.ts), so `prisma migrate deploy` or
// `prisma migrate status`, where Prisma's native engine exists, work on either database.
import { defineConfig } from "prisma/config";
import { providerFiles, providerOf } from "./prisma/providers";

const url = process.env.DATABASE_URL ?? "file:./data/kubelab.db";
const files = providerFiles(providerOf(url), process.cwd());

export default defineConfig({
  schema: files.schema,
  migrations: { path: files.migrations },
  datasource: { url },
});
