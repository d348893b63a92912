import { useTranslations } from "next-intl";
import type { ReactNode } from "react";

const ICONS = { note: "ℹ", warning: "⚠", tip: "💡" } as const;

export function Callout({ type = "note", title, children }: { type?: keyof typeof ICONS; title?: string; children: ReactNode }) {
  const t = useTranslations("Callout");
  const kind = type in ICONS ? type : "note";
  return (
    <aside className={`callout callout-${kind}`} role={kind === "warning" ? "alert" : "note"}>
      <p className="callout-title">
        <span aria-hidden="true">{ICONS[kind]}</span> {title ?? t(kind)}
      </p>
      <div className="callout-body">{children}</div>
    </aside>
  );
}
