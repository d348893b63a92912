"use client";
// While a lab waits for a free boot slot or boots: the learner's place in the line and how
// long it will take, estimated by the server from this host's recent cold starts and the labs
// booting now (sandbox/manager/start-estimate.ts). Counts down between the server's updates;
// says plainly when there is no estimate yet, rather than inventing one.
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";

export function StartWait({ position, estimateSeconds }: { position?: number; estimateSeconds?: number }) {
  const t = useTranslations("LabWait");
  const [deadline, setDeadline] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());
  // Each new figure from the server restarts the countdown.
  useEffect(() => setDeadline(estimateSeconds === undefined ? null : Date.now() + estimateSeconds * 1000), [estimateSeconds, position]);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  if (position === undefined && estimateSeconds === undefined) return null;
  const left = deadline === null ? null : Math.max(0, Math.ceil((deadline - now) / 1000));
  return (
    <div className="lab-start-wait" data-testid="lab-start-wait" data-position={position ?? ""} data-estimate={estimateSeconds ?? ""}>
      {position !== undefined ? <p>{t("line", { position })}</p> : null}
      <p className="muted">{left === null ? t("noEstimate") : left === 0 ? t("anyMoment") : t("estimate", { seconds: left })}</p>
    </div>
  );
}
