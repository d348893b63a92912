// The course catalog, in lesson order. Prerendered like the lessons: it holds no learner's
// data, so it is served from Next's cache; the learner's progress per lesson and the way back
// to where they left off are asked for by the browser (catalog-progress.client.tsx).
import type { Metadata } from "next";
import { getTranslations, setRequestLocale } from "next-intl/server";
import { ContinueLesson, LessonProgressBadge } from "@/app/_components/catalog/catalog-progress.client";
import { Link } from "@/app/_lib/i18n/navigation";
import type { Locale } from "@/app/_lib/i18n/routing";
import { getCatalog } from "@/app/_lib/lessons/catalog";

export async function generateMetadata({ params }: { params: Promise<{ locale: Locale }> }): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: "Catalog" });
  const site = await getTranslations({ locale, namespace: "Site" });
  // The layout's "%s · kubelab" template reaches only pages below it, not this one beside it.
  return { title: { absolute: `${t("title")} · ${site("name")}` } };
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
      <ContinueLesson lessons={lessons.map((l) => ({ id: l.id, order: l.frontMatter.order, title: l.frontMatter.title }))} />
      <ol className="lesson-list">
        {lessons.map((lesson) => (
          <li key={lesson.id} className="lesson-card" data-lesson-id={lesson.id}>
            {/* No prefetch: every card in view fetched its lesson (about 60 KB each) before any click. */}
            <Link href={`/lessons/${lesson.id}`} className="lesson-card-link" prefetch={false}>
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
                {/* Said before a learner opens it: on a server with node labs off, such a lesson can be read, not done. */}
                {lesson.frontMatter.lab === "node" ? (
                  <span className="badge" title={t("realPodsHint")} data-testid="lesson-real-pods">
                    {t("realPods")}
                  </span>
                ) : null}
                <LessonProgressBadge lessonId={lesson.id} />
                {lesson.locale !== locale ? <span className="badge">{t("onlyIn", { language: languages(lesson.locale) })}</span> : null}
              </span>
            </Link>
          </li>
        ))}
      </ol>
    </div>
  );
}
