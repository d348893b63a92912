// The lessons as pages see them: the catalog in order and one lesson in one language,
// compiled and cached. Content does not change while a production server runs, so sources
// are read once there; in development they are re-read on each request.
import "server-only";
import path from "node:path";
import { env } from "@/app/_lib/config/env";
import type { Locale } from "@/app/_lib/i18n/routing";
import { CompiledLessonCache } from "./cache";
import { lessonIdSchema, type FrontMatter } from "./schema";
import { availableLocales, listLessonIds, readLessonSource, type LessonSource } from "./source";
import { processSingleton } from "@/app/_lib/process-singleton";

export interface CatalogEntry {
  id: string;
  /** The language shown: the requested one, or the other when the lesson lacks it. */
  locale: Locale;
  frontMatter: FrontMatter;
  locales: Locale[];
}

export interface Lesson extends CatalogEntry {
  code: string;
  figures: Record<string, string>;
  fallback: boolean;
  previous?: CatalogEntry;
  next?: CatalogEntry;
}

const contentDir = () => path.resolve(env().KUBELAB_CONTENT_DIR);
export const lessonCache = processSingleton("lesson-cache", () => new CompiledLessonCache(path.resolve(env().KUBELAB_LESSON_CACHE_DIR)));
const sources = processSingleton("lesson-sources", () => new Map<string, LessonSource>());

function source(id: string, locale: Locale): LessonSource {
  const key = `${id}/${locale}`;
  const cached = env().NODE_ENV === "production" ? sources.get(key) : undefined;
  if (cached) return cached;
  const fresh = readLessonSource(contentDir(), id, locale);
  sources.set(key, fresh);
  return fresh;
}

function entry(id: string, requested: Locale): CatalogEntry {
  const have = availableLocales(contentDir(), id);
  const locale = have.includes(requested) ? requested : have[0]!;
  return { id, locale, locales: have, frontMatter: source(id, locale).frontMatter };
}

export function getCatalog(locale: Locale): CatalogEntry[] {
  return listLessonIds(contentDir())
    .filter((id) => availableLocales(contentDir(), id).length > 0)
    .map((id) => entry(id, locale))
    .sort((a, b) => a.frontMatter.order - b.frontMatter.order || a.id.localeCompare(b.id));
}

/** Which lab profile a lesson needs (front matter `lab`); sim for an unknown lesson. */
export function lessonLabProfile(id: string): FrontMatter["lab"] {
  if (!lessonIdSchema.safeParse(id).success) return "sim";
  const have = availableLocales(contentDir(), id);
  return have[0] ? source(id, have[0]).frontMatter.lab : "sim";
}

/** The lesson, or null when the id is malformed or unknown (the page answers 404). */
export async function getLesson(id: string, locale: Locale): Promise<Lesson | null> {
  if (!lessonIdSchema.safeParse(id).success) return null;
  const catalog = getCatalog(locale);
  const index = catalog.findIndex((e) => e.id === id);
  if (index < 0) return null;
  const current = catalog[index]!;
  const src = source(id, current.locale);
  return {
    ...current,
    code: await lessonCache.get(src),
    figures: src.figures,
    fallback: current.locale !== locale,
    previous: catalog[index - 1],
    next: catalog[index + 1],
  };
}
