"use client";
// On lesson pages, a second skip link after "Skip to content": keyboard users reach the lab
// in two Tabs instead of about forty (header, lesson links, every Copy and Run button). It
// opens the drawer on narrow screens and puts the focus in the terminal, or on the lab's
// first button (Start) when there is no terminal yet.
import { useTranslations } from "next-intl";
import type { MouseEvent } from "react";
import { openLab } from "@/app/_components/lab/lab-bus";
import { usePathname } from "@/app/_lib/i18n/navigation";

const FOCUSABLE = 'button:not([disabled]), [href], textarea, input, select, [tabindex]:not([tabindex="-1"])';

function focusLab(): void {
  const column = document.getElementById("lab-column");
  if (!column) return;
  const target = column.querySelector<HTMLElement>(".xterm-helper-textarea") ?? column.querySelector<HTMLElement>(FOCUSABLE);
  if (target) {
    target.focus();
  } else {
    column.setAttribute("tabindex", "-1");
    column.focus();
  }
}

export function SkipToLab() {
  const t = useTranslations("Lesson");
  const pathname = usePathname();
  if (!pathname.startsWith("/lessons/")) return null;
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    e.preventDefault();
    openLab();
    // The drawer stops being inert on the next render; focus after it.
    requestAnimationFrame(() => requestAnimationFrame(focusLab));
  };
  return (
    <a className="skip-link" href="#lab-column" onClick={onClick} data-testid="skip-to-lab">
      {t("skipToLab")}
    </a>
  );
}
