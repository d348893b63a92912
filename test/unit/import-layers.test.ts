// Imports point one way: app/ (the web app) may import sandbox/ (the lab engine: providers,
// manager, terminal, grader), never the reverse; both may use prisma/ (schema, migrations,
// generated client), which imports neither. Every file's imports (static, dynamic, type-only,
// re-exports) are read with the TypeScript compiler's own pre-processor, resolved through the
// `@/` alias and relative paths, and checked against the table below.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

/** Top folder → the top folders its code may import (besides itself and node_modules). */
const MAY_IMPORT: Record<string, readonly string[]> = {
  app: ["sandbox", "prisma"],
  sandbox: ["prisma"],
  prisma: [],
};

/** The top folder of a repository path, or "" for a file at the root (server.ts, proxy.ts). */
function topFolder(rel: string): string {
  const parts = rel.split(path.sep);
  return parts.length > 1 ? parts[0]! : "";
}

/** Where an import specifier lands, as a path relative to the root; null for a package. */
function resolveSpecifier(fromRel: string, spec: string): string | null {
  if (spec.startsWith("@/")) return path.normalize(spec.slice(2));
  if (spec.startsWith("./") || spec.startsWith("../")) return path.normalize(path.join(path.dirname(fromRel), spec));
  return null;
}

interface BackPointingImport {
  file: string;
  line: number;
  specifier: string;
  rule: string;
}

/** Every import of `text` (the file `rel`) that its top folder may not make. */
function backPointingImports(rel: string, text: string): BackPointingImport[] {
  const from = topFolder(rel);
  const allowed = MAY_IMPORT[from];
  if (!allowed) return [];
  const info = ts.preProcessFile(text, true, true);
  const found: BackPointingImport[] = [];
  for (const ref of info.importedFiles) {
    const target = resolveSpecifier(rel, ref.fileName);
    if (target === null) continue;
    const to = topFolder(target);
    if (to === from || allowed.includes(to)) continue;
    const line = ts.getLineAndCharacterOfPosition(ts.createSourceFile(rel, text, ts.ScriptTarget.Latest), ref.pos).line + 1;
    found.push({ file: rel, line, specifier: ref.fileName, rule: `${from}/ may import ${[from, ...allowed].map((f) => `${f}/`).join(", ")} only` });
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      // Generated code (the Prisma client) and dependencies are not ours to keep in line.
      if (entry.name === "node_modules" || entry.name === "generated") continue;
      out.push(...sourceFiles(rel));
    } else if (/\.(ts|tsx|mts|cts)$/.test(entry.name)) {
      out.push(rel);
    }
  }
  return out;
}

describe("import layers", () => {
  it("finds a back-pointing import in every form it can take", () => {
    const text = [
      'import type { Env } from "@/app/_lib/config/env";',
      'import { x } from "../../app/_lib/lab/runtime";',
      'export { y } from "@/app/_lib/auth/session-core";',
      'const z = await import("@/app/_lib/db/create");',
      'import { ok } from "./capacity";',
      'import { fine } from "@/prisma/generated/client";',
      'import { pkg } from "zod";',
    ].join("\n");
    const found = backPointingImports(path.join("sandbox", "manager", "example.ts"), text);
    expect(found.map((f) => [f.line, f.specifier])).toEqual([
      [1, "@/app/_lib/config/env"],
      [2, "../../app/_lib/lab/runtime"],
      [3, "@/app/_lib/auth/session-core"],
      [4, "@/app/_lib/db/create"],
    ]);
    expect(backPointingImports(path.join("prisma", "migrate.ts"), 'import { a } from "@/sandbox/manager/manager";')).toHaveLength(1);
    expect(backPointingImports(path.join("app", "page.tsx"), 'import { a } from "@/sandbox/manager/manager";')).toEqual([]);
  });

  it("has no import in sandbox/ or prisma/ that points back into the app", () => {
    const files = Object.keys(MAY_IMPORT).flatMap(sourceFiles);
    expect(files.length).toBeGreaterThan(100);
    const found = files.flatMap((rel) => backPointingImports(rel, readFileSync(path.join(root, rel), "utf8")));
    expect(found.map((f) => `${f.file}:${f.line} imports ${f.specifier} (${f.rule})`)).toEqual([]);
  });

  it("reads the request in the data layer only through DataContext: no data function imports next/headers or the session cookie code", () => {
    // data-context.ts builds the request's context; every other data function takes it, so a
    // test can drive it (and its authorization) without a request.
    const requestReaders = new Set(["next/headers", "@/app/_lib/auth/session", "@/app/_lib/auth/peer-address"]);
    const files = sourceFiles(path.join("app", "_lib", "data")).filter((rel) => path.basename(rel) !== "data-context.ts");
    expect(files.length).toBeGreaterThan(10);
    const found = files.flatMap((rel) =>
      ts
        .preProcessFile(readFileSync(path.join(root, rel), "utf8"), true, true)
        .importedFiles.filter((ref) => requestReaders.has(ref.fileName))
        .map((ref) => `${rel} imports ${ref.fileName}`),
    );
    expect(found).toEqual([]);
  });

  it("has no import cycle among the modules' runtime imports (type-only imports aside)", () => {
    const files = ["app", "sandbox"].flatMap(sourceFiles);
    const known = new Set(files);
    const toFile = (from: string, spec: string): string | null => {
      const base = resolveSpecifier(from, spec);
      if (base === null) return null;
      return [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts")].find((c) => known.has(c)) ?? null;
    };
    const graph = new Map(files.map((rel) => [rel, runtimeImports(rel, readFileSync(path.join(root, rel), "utf8")).flatMap((spec) => toFile(rel, spec) ?? [])]));
    expect(findCycles(new Map([["a.ts", ["b.ts"]], ["b.ts", ["c.ts"]], ["c.ts", ["a.ts"]], ["d.ts", ["a.ts"]]]))).toEqual([["a.ts", "b.ts", "c.ts", "a.ts"]]);
    expect(findCycles(graph).map((c) => c.join(" -> "))).toEqual([]);
  });
});

/** What a module imports for its value at run time: static imports and re-exports, not `import type`. */
function runtimeImports(rel: string, text: string): string[] {
  const source = ts.createSourceFile(rel, text, ts.ScriptTarget.Latest);
  const specs: string[] = [];
  for (const st of source.statements) {
    if (!(ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) || !st.moduleSpecifier || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    if (ts.isExportDeclaration(st) && st.isTypeOnly) continue;
    if (ts.isImportDeclaration(st)) {
      const clause = st.importClause;
      if (clause?.isTypeOnly) continue;
      const named = clause?.namedBindings;
      if (clause && !clause.name && named && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly)) continue;
    }
    specs.push(st.moduleSpecifier.text);
  }
  return specs;
}

/** Every cycle a depth-first walk meets, each as the path that closes it. */
function findCycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const walk = (node: string) => {
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "open") cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) walk(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of graph.keys()) if (!state.has(node)) walk(node);
  return cycles;
}
