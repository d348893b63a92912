"use client";
// Switches language and stays on the same page: lesson ids are the same in both languages.
// The reader also keeps their place: the two languages' pages have the same sections in the
// same order, so the switch notes which section heading is at the top of the window and how
// far past it the reader is, and the other language's page scrolls to the same heading
// (the URL's hash is kept too). Pages without headings keep the same share of the page.
import { useLocale, useTranslations } from "next-intl";
import { useEffect } from "react";
import { Link, usePathname, useRouter } from "@/app/_lib/i18n/navigation";

const PLACE_KEY = "kubelab:language-switch-place";
// The lesson's own headings (not the lab column's), in the same order in both languages.
const HEADINGS = "article h1, article h2, article h3";

interface Place {
  /** The path the switch goes to; a place is only restored there. */
  to: string;
  heading: number;
  /** Pixels from the heading's top to the window's top, as a share of the section's height. */
  into: number;
  share: number;
}

function headings(): HTMLElement[] {
  return Array.from(document.querySelectorAll<HTMLElement>(HEADINGS));
}

function notePlace(to: string): void {
  const all = headings();
  let heading = -1;
  for (let i = 0; i < all.length; i++) {
    if (all[i]!.getBoundingClientRect().top <= 80) heading = i;
  }
  let into = 0;
  if (heading >= 0) {
    const top = all[heading]!.getBoundingClientRect().top + window.scrollY;
    const end = heading + 1 < all.length ? all[heading + 1]!.getBoundingClientRect().top + window.scrollY : document.documentElement.scrollHeight;
    into = end > top ? (window.scrollY - top) / (end - top) : 0;
  }
  const scrollable = document.documentElement.scrollHeight - window.innerHeight;
  const place: Place = { to, heading, into, share: scrollable > 0 ? window.scrollY / scrollable : 0 };
  try {
    sessionStorage.setItem(PLACE_KEY, JSON.stringify(place));
  } catch {
    // Storage may be disabled: the switch still works, from the top.
  }
}

function restorePlace(pathname: string): void {
  let place: Place;
  try {
    const raw = sessionStorage.getItem(PLACE_KEY);
    if (!raw) return;
    sessionStorage.removeItem(PLACE_KEY);
    place = JSON.parse(raw) as Place;
  } catch {
    return;
  }
  if (place.to !== pathname) return;
  const anchor = window.location.hash ? document.getElementById(decodeURIComponent(window.location.hash.slice(1))) : null;
  if (anchor) {
    anchor.scrollIntoView({ behavior: "instant" });
    return;
  }
  const all = headings();
  const target = place.heading >= 0 ? all[place.heading] : undefined;
  if (target) {
    const top = target.getBoundingClientRect().top + window.scrollY;
    const next = all[place.heading + 1];
    const end = next ? next.getBoundingClientRect().top + window.scrollY : document.documentElement.scrollHeight;
    window.scrollTo({ top: top + Math.max(0, place.into) * (end - top), behavior: "instant" });
  } else {
    window.scrollTo({ top: place.share * (document.documentElement.scrollHeight - window.innerHeight), behavior: "instant" });
  }
}

export function LanguageSwitch() {
  const t = useTranslations("Nav");
  const locale = useLocale();
  const pathname = usePathname();
  const router = useRouter();
  const other = locale === "ko" ? "en" : "ko";
  const target = `/${other}${pathname === "/" ? "" : pathname}`;
  // Runs once the other language's page is in place (this header is rendered anew with it).
  useEffect(() => restorePlace(window.location.pathname), [locale]);
  return (
    <Link
      href={pathname}
      locale={other}
      hrefLang={other}
      lang={other}
      aria-label={t("switchToLabel")}
      className="language-switch"
      data-testid="language-switch"
      scroll={false}
      onClick={(e) => {
        notePlace(target);
        // The Link's href has no hash (the server never sees one); keep the reader's.
        if (window.location.hash && !e.metaKey && !e.ctrlKey && !e.shiftKey) {
          e.preventDefault();
          router.push(`${pathname}${window.location.hash}`, { locale: other, scroll: false });
        }
      }}
    >
      {t("switchTo")}
    </Link>
  );
}
