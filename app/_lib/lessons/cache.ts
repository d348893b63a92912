// Compiled lessons, cached by a hash of what goes into the compiler. Memory first, then
// disk (so a restart stays warm), then the compiler. The counters let tests and the
// benchmark prove that a warm page does not compile again.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { COMPILER_VERSION, compileLesson } from "./compile";
import type { LessonSource } from "./source";

export interface CacheStats {
  memoryHits: number;
  diskHits: number;
  compiles: number;
}

export class CompiledLessonCache {
  readonly stats: CacheStats = { memoryHits: 0, diskHits: 0, compiles: 0 };
  private readonly memory = new Map<string, string>();
  // Concurrent first requests for the same lesson share one compile.
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(
    private readonly dir: string,
    private readonly compile: typeof compileLesson = compileLesson,
  ) {}

  static keyOf(source: Pick<LessonSource, "body">): string {
    return createHash("sha256").update(`${COMPILER_VERSION}\0${source.body}`).digest("hex");
  }

  async get(source: Pick<LessonSource, "file" | "body">): Promise<string> {
    const key = CompiledLessonCache.keyOf(source);
    const hit = this.memory.get(key);
    if (hit !== undefined) {
      this.stats.memoryHits++;
      return hit;
    }
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const work = this.load(key, source).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, work);
    return work;
  }

  private async load(key: string, source: Pick<LessonSource, "file" | "body">): Promise<string> {
    const file = path.join(this.dir, `${key}.js`);
    try {
      const code = readFileSync(file, "utf8");
      this.stats.diskHits++;
      this.memory.set(key, code);
      return code;
    } catch {
      // Not on disk yet: compile below.
    }
    this.stats.compiles++;
    const code = await this.compile(source);
    this.memory.set(key, code);
    try {
      mkdirSync(this.dir, { recursive: true });
      // Write then rename, so a crash never leaves half a file that later reads as valid.
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, code);
      renameSync(tmp, file);
    } catch {
      // A read-only or full disk only costs a recompile after restart; the page still renders.
    }
    return code;
  }
}
