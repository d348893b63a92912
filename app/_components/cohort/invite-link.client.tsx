"use client";
// The cohort's invite link, with copy and regenerate. Regenerating asks once more in place
// (no browser dialog), because the old link stops working for everyone who has not joined.
import { useLocale, useTranslations } from "next-intl";
import { useEffect, useState, useTransition } from "react";
import { regenerateInviteAction } from "@/app/_lib/cohort/actions";

export function InviteLink({ cohortId, inviteCode, ended }: { cohortId: string; inviteCode: string; ended: boolean }) {
  const t = useTranslations("Dashboard.invite");
  const locale = useLocale();
  const [code, setCode] = useState(inviteCode);
  const [origin, setOrigin] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [status, setStatus] = useState<"idle" | "copied" | "copy-failed" | "regenerated" | "failed">("idle");
  const [pending, startTransition] = useTransition();
  useEffect(() => setOrigin(window.location.origin), []);
  const link = `${origin}/${locale}/join/${code}`;

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      setStatus("copied");
    } catch {
      setStatus("copy-failed");
    }
  };

  const regenerate = () =>
    startTransition(async () => {
      const result = await regenerateInviteAction({ cohortId });
      setConfirming(false);
      if (result.ok) {
        setCode(result.data.inviteCode);
        setStatus("regenerated");
      } else setStatus("failed");
    });

  return (
    <section className="cohort-invite" aria-labelledby="invite-heading">
      <h2 id="invite-heading">{t("title")}</h2>
      {ended ? <p className="muted">{t("ended")}</p> : <p className="muted">{t("explain")}</p>}
      <div className="cohort-invite-row">
        <input readOnly value={link} aria-label={t("title")} data-testid="invite-link" onFocus={(e) => e.target.select()} />
        <button type="button" className="cohort-button" onClick={copy}>
          {t("copy")}
        </button>
        {confirming ? (
          <>
            <span>{t("confirm")}</span>
            <button type="button" className="cohort-button danger" onClick={regenerate} disabled={pending} data-testid="invite-regenerate-confirm">
              {t("regenerateConfirm")}
            </button>
            <button type="button" className="cohort-button" onClick={() => setConfirming(false)}>
              {t("cancel")}
            </button>
          </>
        ) : (
          <button type="button" className="cohort-button" onClick={() => setConfirming(true)} data-testid="invite-regenerate">
            {t("regenerate")}
          </button>
        )}
      </div>
      <p role="status" className="muted">
        {status === "idle" ? null : t(status)}
      </p>
    </section>
  );
}
