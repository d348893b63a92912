// One lesson: title, objectives, body with its exercises, previous / next. The lab beside it
// belongs to the lessons layout, so it stays put when the learner moves to another lesson.
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getTranslations, setRequestLocale } from "next-intl/server";
import { RememberLesson } from "@/app/_components/catalog/catalog-progress.client";
import { LessonExerciseStatus } from "@/app/_components/exercise/lesson-exercise-status.client";
import { LessonBody } from "@/app/_components/mdx/lesson-body";
import { Link } from "@/app/_lib/i18n/navigation";
import { type Locale, routing } from "@/app/_lib/i18n/routing";
import { getCatalog, getLesson } from "@/app/_lib/lessons/catalog";
import { lessonExercises } from "@/app/_lib/lessons/lesson-exercises";

type Params = Promise<{ locale: Locale; lessonId: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { locale, lessonId } = await params;
  const lesson = await getLesson(lessonId, locale);
  return lesson ? { title: lesson.frontMatter.title, description: lesson.frontMatter.summary } : {};
}

/**
 * Every lesson in both languages is rendered at build time: the page holds no learner's
 * data (the lab panel asks for that in the browser), so it is served from Next's cache.
 * Lessons added after the build render on first request.
 */
export function generateStaticParams() {
  return routing.locales.flatMap((locale) => getCatalog(locale).map((lesson) => ({ locale, lessonId: lesson.id })));
}

export default async function LessonPage({ params }: { params: Params }) {
  const { locale, lessonId } = await params;
  setRequestLocale(locale);
  const lesson = await getLesson(lessonId, locale);
  if (!lesson) notFound();
  const t = await getTranslations("Lesson");
  const fm = lesson.frontMatter;
  const exercises = lessonExercises(lesson.id);
  return (
    <article className="lesson" lang={lesson.locale} data-lesson-id={lesson.id}>
      <RememberLesson lessonId={lesson.id} />
      {lesson.fallback ? (
        <p className="fallback-notice" role="status" lang={locale}>
          {t("fallbackNotice")}
        </p>
      ) : null}
      <header className="lesson-header">
        <p className="muted" lang={locale}>
          <Link href="/">{t("backToCatalog")}</Link> · {t("minutes", { minutes: fm.minutes })}
        </p>
        <h1>{fm.title}</h1>
        <p className="lede">{fm.summary}</p>
        {exercises.length > 0 ? <LessonExerciseStatus lessonId={lesson.id} exerciseIds={exercises.map((e) => e.id)} /> : null}
      </header>
      <section className="objectives" aria-labelledby="objectives-title">
        <h2 id="objectives-title" lang={locale}>
          {t("objectives")}
        </h2>
        <ul>
          {fm.objectives.map((o) => (
            <li key={o}>{o}</li>
          ))}
        </ul>
      </section>
      <div className="lesson-body">
        <LessonBody code={lesson.code} figures={lesson.figures} exercises={{ lessonId: lesson.id, exercises }} />
      </div>
      <nav className="pager" aria-label={t("pager")} lang={locale}>
        {lesson.previous ? (
          <Link href={`/lessons/${lesson.previous.id}`} rel="prev" className="pager-prev">
            <span className="muted">{t("previous")}</span>
            <span lang={lesson.previous.locale}>{lesson.previous.frontMatter.title}</span>
          </Link>
        ) : (
          <span />
        )}
        {lesson.next ? (
          <Link href={`/lessons/${lesson.next.id}`} rel="next" className="pager-next">
            <span className="muted">{t("next")}</span>
            <span lang={lesson.next.locale}>{lesson.next.frontMatter.title}</span>
          </Link>
        ) : null}
      </nav>
    </article>
  );
}
