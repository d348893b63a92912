// Set-up file of the PostgreSQL test project: the databases a test file made are dropped
// when it ends, so the test server keeps nothing between runs.
import { afterAll } from "vitest";
import { dropTestDatabases } from "./database";

afterAll(dropTestDatabases);
