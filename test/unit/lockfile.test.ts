// A fresh clone's set-up must leave the checkout clean (issue 13, item 12). npm writes an
// entry for every optional dependency of every package, for all platforms (with their `os`
// and `cpu`), whether or not it installs it here. A lockfile missing some of those entries
// is rewritten by the first `npm install`: that is how `npm test` on a fresh clone added
// 186 lines (@next/swc-darwin-*, @swc/core-win32-*, ...) and left package-lock.json modified.
// This test fails on such a lockfile; set-up also installs with --no-save, so it cannot write
// tracked files even when npm and the lockfile disagree.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

interface LockEntry {
  version?: string;
  optional?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const lock = JSON.parse(readFileSync(path.join(root, "package-lock.json"), "utf8")) as { lockfileVersion: number; packages: Record<string, LockEntry> };

/** Where node would find `name` from the package at `from` (its own node_modules, then upwards). */
function resolveEntry(from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = `${dir ? `${dir}/` : ""}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!dir) return undefined;
    const cut = dir.lastIndexOf("/node_modules/");
    dir = cut === -1 ? "" : dir.slice(0, cut);
  }
}

describe("package-lock.json", () => {
  it("is lockfile version 3, as npm 11 writes it", () => {
    expect(lock.lockfileVersion).toBe(3);
  });

  it("has an entry for every optional dependency of every package, so npm install has nothing to add", () => {
    const missing: string[] = [];
    for (const [location, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        if (!resolveEntry(location, name)) missing.push(`${location || "(root)"} → ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("has an entry for every dependency of every package", () => {
    const missing: string[] = [];
    for (const [location, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.dependencies ?? {})) {
        if (!resolveEntry(location, name)) missing.push(`${location || "(root)"} → ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("is installed by the set-up without writing it (npm install --no-save)", () => {
    const setup = readFileSync(path.join(root, "sandbox/host/setup.sh"), "utf8");
    const installs = setup.split("\n").filter((line) => /^\s*npm (install|i|ci)\b/.test(line));
    expect(installs.length).toBeGreaterThan(0);
    for (const line of installs) expect(line).toContain("--no-save");
  });
});
