// The catalog as pages see it: order, previous/next, the other language when one is
// missing, and null (a 404) for ids that are malformed or unknown.
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

let catalog: typeof import("@/app/_lib/lessons/catalog");

beforeAll(async () => {
  process.env.KUBELAB_CONTENT_DIR = path.resolve("test/fixtures/content-fallback");
  process.env.KUBELAB_LESSON_CACHE_DIR = path.join(process.env.TMPDIR ?? "/tmp", `kubelab-catalog-${process.pid}`);
  catalog = await import("@/app/_lib/lessons/catalog");
});

describe("lesson catalog", () => {
  it("shows a lesson that lacks the requested language in the other one, flagged as fallback", async () => {
    const lesson = await catalog.getLesson("01-korean-only", "en");
    expect(lesson).not.toBeNull();
    expect(lesson!.locale).toBe("ko");
    expect(lesson!.fallback).toBe(true);
    expect(lesson!.frontMatter.title).toBe("한국어로만 있는 레슨");
  });

  it("is not a fallback in the language it has", async () => {
    const lesson = await catalog.getLesson("01-korean-only", "ko");
    expect(lesson!.fallback).toBe(false);
  });

  it.each(["../../etc/passwd", "99-missing", "", "01-korean-only/../x"])("answers null for %j", async (id) => {
    expect(await catalog.getLesson(id, "ko")).toBeNull();
  });

  it("lists the lesson with the languages it has", () => {
    expect(catalog.getCatalog("en").map((e) => [e.id, e.locale, e.locales])).toEqual([["01-korean-only", "ko", ["ko"]]]);
  });
});
