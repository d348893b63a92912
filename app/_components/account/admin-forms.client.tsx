"use client";
// The admin page's three forms (stop a lab, change a role, create an instructor). Each posts
// to its server action and shows the answer beside itself; they work without JavaScript too.
import { useLocale, useTranslations } from "next-intl";
import { useActionState } from "react";
import { type AdminFormState, createInstructorAdminAction, setRoleAdminAction, stopLabAdminAction } from "@/app/_lib/admin/actions";

function Result({ state }: { state: AdminFormState }) {
  const t = useTranslations("Admin.results");
  if (!state.result) return null;
  return (
    <p className={`admin-message${state.ok ? " admin-message-ok" : ""}`} role={state.ok ? "status" : "alert"} data-testid="admin-result" data-result={state.result}>
      {t(state.result)}
    </p>
  );
}

export function StopLabForm({ sandboxId }: { sandboxId: string }) {
  const t = useTranslations("Admin");
  const [state, submit, pending] = useActionState(stopLabAdminAction, {});
  return (
    <form action={submit}>
      <input type="hidden" name="sandboxId" value={sandboxId} />
      <button type="submit" className="button button-danger" disabled={pending} data-testid="admin-stop-lab">
        {t("stop")}
      </button>
      {state.result && !state.ok ? <Result state={state} /> : null}
    </form>
  );
}

export function RoleForm({ userId, role, own }: { userId: string; role: string; own: boolean }) {
  const t = useTranslations("Admin");
  const [state, submit, pending] = useActionState(setRoleAdminAction, {});
  if (own) return <span className="muted">{t("roles.admin")}</span>;
  return (
    <form action={submit} className="admin-form" data-testid="admin-role-form">
      <input type="hidden" name="userId" value={userId} />
      <select name="role" defaultValue={role} aria-label={t("role")} key={role}>
        {(["learner", "instructor", "admin"] as const).map((r) => (
          <option key={r} value={r}>
            {t(`roles.${r}`)}
          </option>
        ))}
      </select>
      <button type="submit" className="button" disabled={pending} data-testid="admin-role-save">
        {t("saveRole")}
      </button>
      <Result state={state} />
    </form>
  );
}

export function CreateInstructorForm() {
  const t = useTranslations("Admin");
  const auth = useTranslations("Auth");
  const locale = useLocale();
  const [state, submit, pending] = useActionState(createInstructorAdminAction, {});
  return (
    <form action={submit} className="admin-form" data-testid="admin-create-instructor">
      <input type="hidden" name="locale" value={locale} />
      <label>
        {auth("email")}
        <input name="email" type="email" required autoComplete="off" defaultValue={state.ok ? "" : (state.values?.email ?? "")} key={`e-${state.ok}`} />
      </label>
      <label>
        {auth("displayName")}
        <input name="displayName" type="text" maxLength={60} autoComplete="off" defaultValue={state.ok ? "" : (state.values?.displayName ?? "")} key={`d-${state.ok}`} />
      </label>
      <label>
        {t("initialPassword")}
        <input name="password" type="password" required minLength={10} autoComplete="new-password" />
      </label>
      <button type="submit" className="button button-primary" disabled={pending}>
        {t("createInstructor")}
      </button>
      <Result state={state} />
    </form>
  );
}
