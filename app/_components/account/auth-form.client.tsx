"use client";
// The sign-in and sign-up form. It works before JavaScript loads (a plain form post to the
// server action); once hydrated, errors appear beside the fields and what was typed stays.
import { useLocale, useTranslations } from "next-intl";
import { useActionState } from "react";
import { ActionError, FieldError } from "@/app/_components/actions/action-messages";
import type { ActionResult } from "@/app/_lib/actions/result";
import { signInAction, signUpAction } from "@/app/_lib/auth/actions";
import { Link } from "@/app/_lib/i18n/navigation";

export function AuthForm({ mode, next }: { mode: "sign-in" | "sign-up"; next: string }) {
  const t = useTranslations("Auth");
  const locale = useLocale();
  // A success redirects, so the state only ever holds a refusal (or nothing yet).
  const [state, submit, pending] = useActionState<ActionResult<never> | null, FormData>(mode === "sign-in" ? signInAction : signUpAction, null);
  const failure = state && !state.ok ? state : null;
  const invalid = (field: string) => (failure?.fields?.[field] ? true : undefined);
  const fieldError = (field: "email" | "password" | "displayName") => <FieldError failure={failure} field={field} className="auth-field-error" id={`${field}-error`} testId={`${field}-error`} />;
  const otherMode = mode === "sign-in" ? "sign-up" : "sign-in";
  const otherHref = next === `/${locale}` ? `/${otherMode}` : `/${otherMode}?next=${encodeURIComponent(next)}`;

  return (
    <form action={submit} className="auth-form" data-testid={`${mode}-form`} noValidate>
      <input type="hidden" name="locale" value={locale} />
      <input type="hidden" name="next" value={next} />
      {failure ? <ActionError failure={failure} className="auth-error" testId="auth-error" /> : null}
      {mode === "sign-up" ? (
        <label className="auth-field">
          <span>{t("displayName")}</span>
          <input name="displayName" type="text" autoComplete="nickname" maxLength={60} defaultValue={failure?.values?.displayName ?? ""} aria-invalid={invalid("displayName")} />
          <span className="auth-hint">{t("displayNameHint")}</span>
          {fieldError("displayName")}
        </label>
      ) : null}
      <label className="auth-field">
        <span>{t("email")}</span>
        <input
          name="email"
          type="email"
          autoComplete="email"
          required
          defaultValue={failure?.values?.email ?? ""}
          aria-invalid={invalid("email")}
          aria-describedby={invalid("email") && "email-error"}
        />
        {fieldError("email")}
      </label>
      <label className="auth-field">
        <span>{t("password")}</span>
        <input
          name="password"
          type="password"
          autoComplete={mode === "sign-in" ? "current-password" : "new-password"}
          required
          minLength={mode === "sign-up" ? 10 : undefined}
          aria-invalid={invalid("password")}
          aria-describedby={invalid("password") && "password-error"}
        />
        {mode === "sign-up" ? <span className="auth-hint">{t("passwordHint")}</span> : null}
        {fieldError("password")}
      </label>
      <button type="submit" className="button button-primary auth-submit" disabled={pending} data-testid="auth-submit">
        {pending ? t("pending") : t(mode === "sign-in" ? "signIn" : "signUp")}
      </button>
      <p className="muted auth-switch">
        {t(mode === "sign-in" ? "noAccount" : "haveAccount")} <Link href={otherHref}>{t(otherMode === "sign-in" ? "signIn" : "signUp")}</Link>
      </p>
    </form>
  );
}
