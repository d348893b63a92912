import { useTranslations } from "next-intl";
import { Link } from "@/app/_lib/i18n/navigation";

export default function NotFound() {
  const t = useTranslations("NotFound");
  const site = useTranslations("Site");
  return (
    <div className="not-found" data-testid="not-found">
      {/* not-found.tsx cannot export metadata; React places this <title> in the head. */}
      <title>{`${t("title")} · ${site("name")}`}</title>
      <h1>{t("title")}</h1>
      <p>{t("body")}</p>
      <p>
        <Link href="/">{t("back")}</Link>
      </p>
    </div>
  );
}
