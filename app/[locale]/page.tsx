// The course catalog, in lesson order. Prerendered like the lessons: it holds no learner's
// data, so it is served from Next's cache.
import type { Metadata } from "next";
import { getTranslations, setRequestLocale } from "next-intl/server";
import { LessonDoneMark } from "@/app/_components/exercise/lesson-done-mark.client";
import { Link } from "@/app/_lib/i18n/navigation";
import type { Locale } from "@/app/_lib/i18n/routing";
import { getCatalog } from "@/app/_lib/lessons/catalog";

export async function generateMetadata({ params }: { params: Promise<{ locale: Locale }> }): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: "Catalog" });
  return { title: t("title") };
}

export default async function CatalogPage({ params }: { params: Promise<{ locale: Locale }> }) {
  const { locale } = await params;
  setRequestLocale(locale);
  const t = await getTranslations("Catalog");
  const languages = await getTranslations("Languages");
  const lessons = getCatalog(locale);
  return (
    <div className="catalog">
      <h1>{t("title")}</h1>
      <p className="lede">{t("intro")}</p>
      <p className="muted">{t("lessonCount", { count: lessons.length })}</p>
      {lessons.length === 0 ? <p>{t("empty")}</p> : null}
      <ol className="lesson-list">
        {lessons.map((lesson) => (
          <li key={lesson.id} className="lesson-card" data-lesson-id={lesson.id}>
            <Link href={`/lessons/${lesson.id}`} className="lesson-card-link">
              <span className="lesson-number">{t("lessonNumber", { order: lesson.frontMatter.order })}</span>
              <span className="lesson-title" lang={lesson.locale}>
                {lesson.frontMatter.title}
              </span>
              <span className="lesson-summary" lang={lesson.locale}>
                {lesson.frontMatter.summary}
              </span>
              <span className="lesson-meta">
                <span>{t("minutes", { minutes: lesson.frontMatter.minutes })}</span>
                <span>{t("level", { level: lesson.frontMatter.level })}</span>
                <LessonDoneMark lessonId={lesson.id} />
                {lesson.locale !== locale ? <span className="badge">{t("onlyIn", { language: languages(lesson.locale) })}</span> : null}
              </span>
            </Link>
          </li>
        ))}
      </ol>
    </div>
  );
}
