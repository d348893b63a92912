// Compiling and caching are separate: a warm lesson is served from memory, a restarted
// server from disk, and the compiler runs once per distinct content.
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CompiledLessonCache } from "@/app/_lib/lessons/cache";
import { compileLesson } from "@/app/_lib/lessons/compile";

const source = { file: "/virtual/lesson/en.mdx", body: "\n\n## Hello\n\n```bash\nkubectl get nodes\n```\n" };

describe("compiled lesson cache", () => {
  it("compiles once, then serves from memory", async () => {
    const cache = new CompiledLessonCache(mkdtempSync(path.join(tmpdir(), "kubelab-cache-")));
    const first = await cache.get(source);
    const second = await cache.get(source);
    expect(second).toBe(first);
    expect(cache.stats).toEqual({ compiles: 1, memoryHits: 1, diskHits: 0 });
    // The file's first compile starts esbuild and loads shiki's grammars: on a loaded 2-core
    // machine that alone can pass Vitest's 5 s default.
  }, 60_000);

  it("survives a restart through the disk cache", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "kubelab-cache-"));
    const code = await new CompiledLessonCache(dir).get(source);
    expect(readdirSync(dir)).toEqual([`${CompiledLessonCache.keyOf(source)}.js`]);
    const restarted = new CompiledLessonCache(dir, () => Promise.reject(new Error("must not compile")));
    expect(await restarted.get(source)).toBe(code);
    expect(restarted.stats.diskHits).toBe(1);
  });

  it("shares one compile between concurrent first requests", async () => {
    let calls = 0;
    const slow = async (s: typeof source) => {
      calls++;
      return compileLesson(s);
    };
    const cache = new CompiledLessonCache(mkdtempSync(path.join(tmpdir(), "kubelab-cache-")), slow);
    await Promise.all(Array.from({ length: 5 }, () => cache.get(source)));
    expect(calls).toBe(1);
  });

  it("recompiles when the content changes", async () => {
    const cache = new CompiledLessonCache(mkdtempSync(path.join(tmpdir(), "kubelab-cache-")));
    const a = await cache.get(source);
    const b = await cache.get({ ...source, body: source.body + "\nMore text.\n" });
    expect(b).not.toBe(a);
    expect(cache.stats.compiles).toBe(2);
  });

  it("highlights shell code and keeps its language for the page", async () => {
    const code = await compileLesson(source);
    expect(code).toContain("data-language");
    expect(code).toContain("kubectl");
  });
});
