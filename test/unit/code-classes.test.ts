// Highlighted code carries its colours as classes whose rules are in app/code-theme.css,
// not as a per-token inline style (issue 19: bytes per lesson page).
import { readFileSync } from "node:fs";
import path from "node:path";
import * as React from "react";
import * as jsxRuntime from "react/jsx-runtime";
import { renderToStaticMarkup } from "react-dom/server";
import { createHighlighter } from "shiki";
import { describe, expect, it } from "vitest";
import { CODE_THEMES, DEFAULT_FOREGROUND, tokenClasses } from "@/app/_lib/lessons/code-classes";
import { codeThemeStylesheet } from "@/app/_lib/lessons/code-theme-css";
import { compileLesson } from "@/app/_lib/lessons/compile";
import { listLessonIds, readLessonSource } from "@/app/_lib/lessons/source";

const css = readFileSync(path.resolve("app/code-theme.css"), "utf8");

/** A compiled lesson rendered to HTML, as the page's server render does (lesson-body.tsx). */
function render(code: string): string {
  const fn = new Function("React", "_jsx_runtime", "ReactDOM", code) as (...args: unknown[]) => { default: React.ComponentType };
  return renderToStaticMarkup(React.createElement(fn(React, jsxRuntime, {}).default));
}

function classesIn(html: string): Set<string> {
  const all = new Set<string>();
  for (const m of html.matchAll(/class="([^"]*)"/g)) for (const c of m[1]!.split(/\s+/)) all.add(c);
  return all;
}

describe("highlighted code", () => {
  it("carries classes, not per-token style= colours, and every class has a rule in code-theme.css", async () => {
    const body = [
      "```bash",
      'kubectl get pods -n kube-system  # list them',
      'export NAME="web"',
      "```",
      "",
      "```yaml",
      "apiVersion: apps/v1",
      "kind: Deployment",
      "spec:",
      "  replicas: 3",
      "```",
      "",
      "```go",
      'func main() { fmt.Println("hi") }',
      "```",
      "",
    ].join("\n");
    const html = render(await compileLesson({ file: "/tmp/code-classes/en.mdx", body }));
    expect(html).toContain('<pre class="shiki');
    expect(html).not.toMatch(/style=/);
    expect(html).not.toContain("--shiki");
    const tokenClasses = [...classesIn(html)].filter((c) => /^[ld]-/.test(c));
    // Keywords, strings and comments in three languages: many colours, in both themes.
    expect(tokenClasses.filter((c) => c.startsWith("l-")).length).toBeGreaterThan(4);
    expect(tokenClasses.filter((c) => c.startsWith("d-")).length).toBeGreaterThan(4);
    for (const c of tokenClasses) expect(css, `no rule for .${c}`).toContain(`.shiki .${c}{`);
  }, 60_000);

  it("keeps every lesson's code free of inline token styles", async () => {
    const contentDir = path.resolve("content");
    const id = listLessonIds(contentDir).find((lesson) => readLessonSource(contentDir, lesson, "en").body.includes("```yaml"));
    expect(id, "a lesson with a YAML block").toBeDefined();
    const code = await compileLesson(readLessonSource(contentDir, id!, "en"));
    expect(code).not.toMatch(/\bstyle:/);
    expect(code).toMatch(/className:"l-[0-9a-f]{6} d-[0-9a-f]{6}"/);
  }, 60_000);

  it("app/code-theme.css is what the themes give now (else run app/_lib/lessons/write-code-theme.ts)", async () => {
    expect(css).toBe(await codeThemeStylesheet());
  });

  it("knows the themes' default text colours", async () => {
    const highlighter = await createHighlighter({ themes: [CODE_THEMES.light, CODE_THEMES.dark], langs: [] });
    expect(highlighter.getTheme(CODE_THEMES.light).fg.toLowerCase()).toBe(`#${DEFAULT_FOREGROUND.l}`);
    expect(highlighter.getTheme(CODE_THEMES.dark).fg.toLowerCase()).toBe(`#${DEFAULT_FOREGROUND.d}`);
    highlighter.dispose();
  });

  it("keeps inline what it cannot express, and styles a font per theme", () => {
    expect(tokenClasses("color:#D73A49;--shiki-dark:#F97583", DEFAULT_FOREGROUND)).toEqual({ classes: ["l-d73a49", "d-f97583"], rest: "" });
    // Default colour in both themes: the token inherits from the block.
    expect(tokenClasses("color:#24292E;--shiki-dark:#E1E4E8", DEFAULT_FOREGROUND)).toEqual({ classes: [], rest: "" });
    expect(tokenClasses("color:#24292E;--shiki-dark:#E1E4E8;font-style:italic;--shiki-dark-font-style:inherit", DEFAULT_FOREGROUND)).toEqual({ classes: ["l-i"], rest: "" });
    expect(tokenClasses("color:red;background-color:#fff;--shiki-dark:#F97583", DEFAULT_FOREGROUND)).toEqual({ classes: ["l-24292e", "d-f97583"], rest: "color:red;background-color:#fff" });
  });
});
