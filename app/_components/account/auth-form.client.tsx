"use client";
// The sign-in and sign-up form. It works before JavaScript loads (a plain form post to the
// server action); once hydrated, errors appear beside the fields and what was typed stays.
import { useLocale, useTranslations } from "next-intl";
import { useActionState } from "react";
import { signInAction, signUpAction } from "@/app/_lib/auth/actions";
import type { AuthFormState } from "@/app/_lib/auth/form-state";
import { Link } from "@/app/_lib/i18n/navigation";

export function AuthForm({ mode, next }: { mode: "sign-in" | "sign-up"; next: string }) {
  const t = useTranslations("Auth");
  const locale = useLocale();
  const [state, submit, pending] = useActionState<AuthFormState, FormData>(mode === "sign-in" ? signInAction : signUpAction, {});
  const fieldError = (field: "email" | "password" | "displayName") => {
    const key = state.fieldErrors?.[field];
    return key ? (
      <span className="auth-field-error" id={`${field}-error`} data-testid={`${field}-error`}>
        {t(`fieldErrors.${key}`)}
      </span>
    ) : null;
  };
  const otherMode = mode === "sign-in" ? "sign-up" : "sign-in";
  const otherHref = next === `/${locale}` ? `/${otherMode}` : `/${otherMode}?next=${encodeURIComponent(next)}`;

  return (
    <form action={submit} className="auth-form" data-testid={`${mode}-form`} noValidate>
      <input type="hidden" name="locale" value={locale} />
      <input type="hidden" name="next" value={next} />
      {state.error ? (
        <p className="auth-error" role="alert" data-testid="auth-error" data-error={state.error}>
          {t(`errors.${state.error}`, { minutes: Math.max(1, Math.ceil((state.retryAfterSeconds ?? 0) / 60)) })}
        </p>
      ) : null}
      {mode === "sign-up" ? (
        <label className="auth-field">
          <span>{t("displayName")}</span>
          <input name="displayName" type="text" autoComplete="nickname" maxLength={60} defaultValue={state.values?.displayName ?? ""} aria-invalid={state.fieldErrors?.displayName ? true : undefined} />
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
          defaultValue={state.values?.email ?? ""}
          aria-invalid={state.fieldErrors?.email ? true : undefined}
          aria-describedby={state.fieldErrors?.email ? "email-error" : undefined}
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
          aria-invalid={state.fieldErrors?.password ? true : undefined}
          aria-describedby={state.fieldErrors?.password ? "password-error" : undefined}
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
