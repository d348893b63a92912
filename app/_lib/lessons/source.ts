// Reads lessons from disk: which lessons exist, each language's MDX with its front matter
// checked against the schema, and the figures it refers to. Compiling is elsewhere.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { LineCounter, parseDocument } from "yaml";
import type { Locale } from "@/app/_lib/i18n/routing";
import { locales } from "@/app/_lib/i18n/routing";
import { LessonError } from "./errors";
import { type FrontMatter, frontMatterSchema, lessonIdSchema } from "./schema";
import { yamlSchemaError } from "./yaml-errors";

export interface LessonSource {
  id: string;
  locale: Locale;
  file: string;
  frontMatter: FrontMatter;
  /** The MDX body, with the front matter replaced by blank lines so error lines match the file. */
  body: string;
  /** Figure file name (as written in `<Figure src>`) to the versioned URL of this language's file. */
  figures: Record<string, string>;
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;

export function lessonsDir(contentDir: string): string {
  return path.resolve(contentDir, "lessons");
}

/** Lesson ids on disk, in folder order. Folders that are not valid ids are reported, not skipped silently. */
export function listLessonIds(contentDir: string): string[] {
  const dir = lessonsDir(contentDir);
  if (!existsSync(dir)) return [];
  const ids: string[] = [];
  for (const name of readdirSync(dir)) {
    // statSync follows symlinks, so a lesson folder may be linked in from elsewhere.
    if (!statSync(path.join(dir, name)).isDirectory()) continue;
    if (!lessonIdSchema.safeParse(name).success) {
      throw new LessonError(path.join(dir, name), "lesson folder names must look like 01-some-slug");
    }
    ids.push(name);
  }
  return ids.sort();
}

export function lessonFile(contentDir: string, id: string, locale: Locale): string {
  // Parse before joining: an id such as ../../etc/passwd never becomes a path.
  const safeId = lessonIdSchema.parse(id);
  return path.join(lessonsDir(contentDir), safeId, `${locale}.mdx`);
}

export function availableLocales(contentDir: string, id: string): Locale[] {
  return locales.filter((l) => existsSync(lessonFile(contentDir, id, l)));
}

export function readLessonSource(contentDir: string, id: string, locale: Locale): LessonSource {
  const file = lessonFile(contentDir, id, locale);
  const text = readFileSync(file, "utf8");
  const match = FRONT_MATTER.exec(text);
  if (!match) throw new LessonError(file, "the file must start with front matter between --- lines", 1);
  const frontMatter = parseFrontMatter(file, match[1]!);
  const headerLines = match[0].split("\n").length - 1;
  const body = "\n".repeat(headerLines) + text.slice(match[0].length);
  return { id, locale, file, frontMatter, body, figures: readFigures(id, file, body, locale) };
}

/** The lab profile a lesson needs (`lab` in its front matter; lessons:check makes both languages agree). */
export function lessonProfileIn(contentDir: string, id: string): FrontMatter["lab"] {
  const [locale] = availableLocales(contentDir, id);
  return locale ? readLessonSource(contentDir, id, locale).frontMatter.lab : "sim";
}

function parseFrontMatter(file: string, yamlText: string): FrontMatter {
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    // +1: the YAML starts on the line after the opening ---.
    const line = lineCounter.linePos(err.pos[0]).line + 1;
    throw new LessonError(file, `front matter is not valid YAML: ${err.message.split("\n")[0]}`, line);
  }
  const result = frontMatterSchema.safeParse(doc.toJS());
  if (result.success) return result.data;
  // +1: the YAML starts on the line after the opening ---.
  throw yamlSchemaError(file, doc, lineCounter, result.error, 1);
}

/** Where app/figures/[lessonId]/[file] serves a lesson's figure file. */
export function figureUrlPath(lessonId: string, fileName: string): string {
  return `/figures/${lessonId}/${fileName}`;
}

/** The figure file of a lesson, or null for any name that is not one; never a path outside figures/. */
export function figureFile(contentDir: string, lessonId: string, fileName: string): string | null {
  if (!lessonIdSchema.safeParse(lessonId).success || !FIGURE_FILE.test(fileName)) return null;
  const file = path.join(lessonsDir(contentDir), lessonId, "figures", fileName);
  return existsSync(file) ? file : null;
}

const FIGURE_SRC = /<Figure\b[^>]*?\bsrc\s*=\s*["']([^"']+)["']/g;
const FIGURE_NAME = /^[a-z0-9][a-z0-9-]*\.(svg|png)$/;
/** A figure as stored: a name, optionally a language, then the extension. */
const FIGURE_FILE = /^[a-z0-9][a-z0-9-]*(\.(ko|en))?\.(svg|png)$/;

function readFigures(id: string, file: string, body: string, locale: Locale): Record<string, string> {
  const figuresDir = path.join(path.dirname(file), "figures");
  const figures: Record<string, string> = {};
  for (const m of body.matchAll(FIGURE_SRC)) {
    const src = m[1]!;
    const line = body.slice(0, m.index).split("\n").length;
    if (!FIGURE_NAME.test(src)) {
      throw new LessonError(file, `figure src "${src}" must be a file name like diagram.svg in figures/`, line, "Figure.src");
    }
    const ext = path.extname(src);
    const base = src.slice(0, -ext.length);
    // A figure with words in it comes in one file per language; a wordless one is shared.
    const candidates = [`${base}.${locale}${ext}`, src];
    const found = candidates.map((c) => path.join(figuresDir, c)).find((p) => existsSync(p));
    if (!found) {
      throw new LessonError(file, `figure "${src}" not found (looked for ${candidates.join(" and ")} in figures/)`, line, "Figure.src");
    }
    // Served by app/figures/ as a file, not inlined: a lesson page carries only its text, and
    // the version in the URL lets browsers keep a figure until it changes.
    const version = createHash("sha256").update(readFileSync(found)).digest("hex").slice(0, 12);
    figures[src] = `${figureUrlPath(id, path.basename(found))}?v=${version}`;
  }
  return figures;
}
