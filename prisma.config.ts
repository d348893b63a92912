// Prisma CLI configuration. The runtime client gets its connection from app/_lib/db,
// which reads the same DATABASE_URL through the validated environment schema.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "file:./data/kubelab.db" },
});
