// How every form and client caller shows a server action's refusal (app/_lib/actions/result.ts):
// the error key through "Actions.errors", a field's problem through "Actions.fields", in the
// reader's language. Used only inside client components.
import { useTranslations } from "next-intl";
import type { ActionFailure } from "@/app/_lib/actions/result";

/** The refusal as one sentence; `testId` and `data-error` are what tests and styles read. */
export function ActionError({ failure, className, testId }: { failure: ActionFailure; className?: string; testId?: string }) {
  const t = useTranslations("Actions.errors");
  return (
    <p className={className} role="alert" data-testid={testId} data-error={failure.error}>
      {t(failure.error, { minutes: Math.max(1, Math.ceil((failure.retryAfterSeconds ?? 0) / 60)) })}
    </p>
  );
}

/** The problem with one field, or nothing; `id` lets the input point at it (aria-describedby). */
export function FieldError({ failure, field, id, className, testId }: { failure: ActionFailure | null | undefined; field: string; id?: string; className?: string; testId?: string }) {
  const t = useTranslations("Actions.fields");
  const key = failure?.fields?.[field];
  if (!key) return null;
  return (
    <span className={className} id={id} data-testid={testId} role="alert">
      {t.has(key) ? t(key) : t("invalid")}
    </span>
  );
}
