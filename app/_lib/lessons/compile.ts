// Turns one lesson's MDX body into a function-body string with mdx-bundler. Pure: no
// caching here (see cache.ts), so the compiler can be tested and swapped on its own.
import path from "node:path";
import rehypeShiki from "@shikijs/rehype";
import { bundleMDX } from "mdx-bundler";
import type { ShikiTransformer } from "shiki";
import remarkGfm from "remark-gfm";
import { LessonError } from "./errors";
import type { LessonSource } from "./source";

/** Bump when the compile options change, so cached output made by older options is not reused. */
export const COMPILER_VERSION = "1";

const keepLanguage: ShikiTransformer = {
  pre(node) {
    node.properties["data-language"] = this.options.lang;
  },
};

export async function compileLesson(source: Pick<LessonSource, "file" | "body">): Promise<string> {
  try {
    const { code } = await bundleMDX({
      source: source.body,
      cwd: path.dirname(source.file),
      mdxOptions(options) {
        options.remarkPlugins = [...(options.remarkPlugins ?? []), remarkGfm];
        options.rehypePlugins = [
          ...(options.rehypePlugins ?? []),
          [
            rehypeShiki,
            {
              themes: { light: "github-light", dark: "github-dark" },
              defaultLanguage: "text",
              fallbackLanguage: "text",
              langs: ["bash", "shell", "yaml", "json", "text", "dockerfile", "go", "javascript", "typescript", "ini", "diff"],
              // Code blocks keep their language so the page can add a Run button to shell ones.
              transformers: [keepLanguage],
            },
          ],
        ];
        return options;
      },
      esbuildOptions(options) {
        options.minify = true;
        options.target = "es2022";
        return options;
      },
    });
    return code;
  } catch (error) {
    throw toLessonError(source.file, error);
  }
}

interface EsbuildMessage {
  text: string;
  location?: { line?: number } | null;
}

function toLessonError(file: string, error: unknown): LessonError {
  const errors = (error as { errors?: EsbuildMessage[] }).errors;
  if (Array.isArray(errors) && errors.length > 0) {
    const first = errors[0]!;
    // MDX reports "file:line:col: message" inside the text; prefer its line when present.
    const inner = /:(\d+):(\d+)(?:-\d+:\d+)?:\s*(.*)/s.exec(first.text);
    const line = inner ? Number(inner[1]) : (first.location?.line ?? undefined);
    const detail = (inner ? inner[3]! : first.text).split("\n")[0]!.trim();
    return new LessonError(file, `MDX does not compile: ${detail}`, line, "body");
  }
  const message = error instanceof Error ? error.message : String(error);
  return new LessonError(file, `MDX does not compile: ${message.split("\n")[0]}`, undefined, "body");
}
