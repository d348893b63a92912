// Every lesson page sits beside the learner's lab. The lab lives here, in the layout, and not
// in the page: moving from one lesson to the next keeps the same terminal, its scrollback and
// its connection, instead of tearing the panel down and replaying the screen.
// Hangul for lesson code and the terminal (globals.css --mono, terminal-theme.ts): its 93
// @font-face rules are only needed here, and each subset is fetched by unicode-range only for
// the characters a page shows.
import "@fontsource/nanum-gothic-coding/400.css";
import type { ReactNode } from "react";
import { getTranslations, setRequestLocale } from "next-intl/server";
import { LabPanel } from "@/app/_components/lab/lab-panel.client";
import { LessonSplit } from "@/app/_components/lesson-split.client";
import type { Locale } from "@/app/_lib/i18n/routing";

export default async function LessonsLayout({ children, params }: { children: ReactNode; params: Promise<{ locale: Locale }> }) {
  const { locale } = await params;
  setRequestLocale(locale);
  const t = await getTranslations("Lesson");
  return (
    <LessonSplit
      lesson={children}
      lab={
        <aside id="lab-column" className="lab-column" aria-label={t("labColumn")} lang={locale}>
          <LabPanel />
        </aside>
      }
    />
  );
}
