// One runner, four projects: unit (needs nothing), integration (real Docker and the real
// cluster, made ready by the set-up), e2e (the built site in Debian's Chromium), and
// postgresql: the data layer's tests run a second time, unchanged, on PostgreSQL (the
// loopback test server of sandbox/host/postgres-test.sh; a database per test, dropped after).
import path from "node:path";
import { defineConfig } from "vitest/config";

const root = path.dirname(new URL(import.meta.url).pathname);
// `server-only` throws outside Next's react-server build; tests import those modules directly.
const alias = { "server-only": path.join(root, "test/support/server-only.ts"), "@": root };

/**
 * The data layer's tests: they take their database from test/support/database.ts, so the same
 * files run on SQLite (unit, integration) and on PostgreSQL (the postgresql project). The file
 * about SQLite's full disk (db-storage-full) stays SQLite-only.
 */
const DATA_LAYER_TESTS = [
  "test/unit/admin-data.test.ts",
  "test/unit/auth-accounts.test.ts",
  "test/unit/auth-first-admin.test.ts",
  "test/unit/db-concurrency.test.ts",
  "test/unit/db-purge.test.ts",
  "test/unit/lab-data.test.ts",
  "test/unit/learner-data.test.ts",
  "test/unit/cluster-picture-access.test.ts",
  "test/unit/progress-store.test.ts",
  "test/unit/migrations.test.ts",
  "test/unit/migrations-in-step.test.ts",
  "test/unit/new-migration.test.ts",
  "test/integration/cohorts.test.ts",
  // The lab manager's store (sandbox/manager/store.ts): queue order, capacity and reconcile
  // are database queries too.
  "test/integration/labs/manager.test.ts",
  // Labs warmed for a class: the reservations are rows and claims are updates. (The line of
  // labs waiting to boot is the manager's queue, which manager.test.ts covers here already.)
  "test/integration/labs/class-warm.test.ts",
];

export default defineConfig({
  resolve: { alias },
  test: {
    // One test file at a time across all projects: labs and the e2e server each want the
    // host's two cores, and results must not depend on what else happened to run.
    fileParallelism: false,
    projects: [
      {
        resolve: { alias },
        // new-migration needs both databases: it runs in the postgresql project only.
        test: { name: "unit", include: ["test/unit/**/*.test.ts"], exclude: ["test/unit/new-migration.test.ts"], environment: "node" },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          environment: "node",
          testTimeout: 300_000,
          hookTimeout: 300_000,
          // Labs are heavy on a 2-core host: one test file at a time.
          fileParallelism: false,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "postgresql",
          // ...and what only PostgreSQL has: the cluster bus, shared rate limits, the leader lock.
          include: [...DATA_LAYER_TESTS, "test/postgresql/**/*.test.ts"],
          environment: "node",
          env: { KUBELAB_TEST_DATABASE: "postgresql" },
          setupFiles: ["test/support/postgres-setup.ts"],
          // The integration files among them start real labs.
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/e2e/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
