// Turns one lesson's MDX body into a function-body string with mdx-bundler. Pure: no
// caching here (see cache.ts), so the compiler can be tested and swapped on its own.
import path from "node:path";
import rehypeShiki from "@shikijs/rehype";
import { bundleMDX } from "mdx-bundler";
import type { ShikiTransformer } from "shiki";
import remarkGfm from "remark-gfm";
import { CODE_THEMES, stylesToClasses } from "./code-classes";
import { LessonError } from "./errors";
import { runBlocks } from "./run-blocks";
import type { LessonSource } from "./source";

/** Bump when the compile options change, so cached output made by older options is not reused. */
export const COMPILER_VERSION = "3";

const keepLanguage: ShikiTransformer = {
  pre(node) {
    node.properties["data-language"] = this.options.lang;
    // A shell block's run option (interactive, expect-fail, norun; see run-blocks.ts) reaches
    // the page, which leaves the Run button off a norun block. Checked before compiling.
    const meta = (this.options.meta as { __raw?: string } | undefined)?.__raw?.trim();
    if (meta) node.properties["data-run"] = meta;
  },
};

export async function compileLesson(source: Pick<LessonSource, "file" | "body">): Promise<string> {
  // An unknown code-fence option is an author's mistake: name its file and line.
  runBlocks(source.file, source.body);
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
              themes: CODE_THEMES,
              defaultLanguage: "text",
              fallbackLanguage: "text",
              langs: ["bash", "shell", "yaml", "json", "text", "dockerfile", "go", "javascript", "typescript", "ini", "diff"],
              // Code blocks keep their language so the page can add a Run button to shell ones;
              // token colours become classes (code-classes.ts), not inline styles.
              transformers: [keepLanguage, stylesToClasses],
              // Neighbouring tokens of one colour become one span: fewer elements, same look.
              mergeSameStyleTokens: true,
            },
          ],
        ];
        return options;
      },
      esbuildOptions(options) {
        options.minify = true;
        // Errors come back as a LessonError with file and line; esbuild's own log would repeat them.
        options.logLevel = "silent";
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
  detail?: { cause?: { reason?: string } };
  location?: { line?: number } | null;
}

function toLessonError(file: string, error: unknown): LessonError {
  const errors = (error as { errors?: EsbuildMessage[] }).errors;
  if (Array.isArray(errors) && errors.length > 0) {
    const first = errors[0]!;
    const reason = first.detail?.cause?.reason ?? first.text.split("\n").slice(1).join(" ").replace(/^\s*\d+:\d+(?:-\d+:\d+)?:\s*/, "");
    // MDX puts the real position in parentheses when it differs from the "1:1:" prefix
    // ("Expected a closing tag for `<Callout>` (15:1-15:22)"); otherwise the prefix is it.
    const paren = /\((\d+):\d+(?:-\d+:\d+)?\)/.exec(reason);
    const prefix = /(?:^|\n)\s*(\d+):\d+(?:-\d+:\d+)?:\s/.exec(first.text);
    const line = paren ? Number(paren[1]) : prefix ? Number(prefix[1]) : first.location?.line || undefined;
    return new LessonError(file, `MDX does not compile: ${reason.trim() || first.text.split("\n")[0]}`, line, "body");
  }
  const message = error instanceof Error ? error.message : String(error);
  return new LessonError(file, `MDX does not compile: ${message.split("\n")[0]}`, undefined, "body");
}
