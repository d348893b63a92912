"use client";
// The admin page's three forms (stop a lab, change a role, create an instructor). Each posts
// to its server action and shows the answer beside itself; they work without JavaScript too.
import { useLocale, useTranslations } from "next-intl";
import { useActionState } from "react";
import { ActionError, FieldError } from "@/app/_components/actions/action-messages";
import type { ActionResult } from "@/app/_lib/actions/result";
import { createInstructorAdminAction, setRoleAdminAction, stopLabAdminAction } from "@/app/_lib/admin/actions";

type Done = "labStopped" | "roleChanged" | "instructorCreated";

/** Success in "Admin.results"; a refusal the one way every action's is shown. */
function Result({ state }: { state: ActionResult<Done> | null }) {
  const t = useTranslations("Admin.results");
  if (!state) return null;
  if (!state.ok) return <ActionError failure={state} className="admin-message" testId="admin-result" />;
  return (
    <p className="admin-message admin-message-ok" role="status" data-testid="admin-result" data-result={state.data}>
      {t(state.data)}
    </p>
  );
}

export function StopLabForm({ sandboxId }: { sandboxId: string }) {
  const t = useTranslations("Admin");
  const [state, submit, pending] = useActionState(stopLabAdminAction, null);
  return (
    <form action={submit}>
      <input type="hidden" name="sandboxId" value={sandboxId} />
      <button type="submit" className="button button-danger" disabled={pending} data-testid="admin-stop-lab">
        {t("stop")}
      </button>
      {state && !state.ok ? <Result state={state} /> : null}
    </form>
  );
}

export function RoleForm({ userId, role, own }: { userId: string; role: string; own: boolean }) {
  const t = useTranslations("Admin");
  const [state, submit, pending] = useActionState(setRoleAdminAction, null);
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
  const [state, submit, pending] = useActionState(createInstructorAdminAction, null);
  const failure = state && !state.ok ? state : null;
  return (
    <form action={submit} className="admin-form" data-testid="admin-create-instructor">
      <input type="hidden" name="locale" value={locale} />
      <label>
        {auth("email")}
        <input name="email" type="email" required autoComplete="off" defaultValue={failure?.values?.email ?? ""} key={`e-${state?.ok}`} />
        <FieldError failure={failure} field="email" className="auth-field-error" />
      </label>
      <label>
        {auth("displayName")}
        <input name="displayName" type="text" maxLength={60} autoComplete="off" defaultValue={failure?.values?.displayName ?? ""} key={`d-${state?.ok}`} />
        <FieldError failure={failure} field="displayName" className="auth-field-error" />
      </label>
      <label>
        {t("initialPassword")}
        <input name="password" type="password" required minLength={10} autoComplete="new-password" />
        <FieldError failure={failure} field="password" className="auth-field-error" />
      </label>
      <button type="submit" className="button button-primary" disabled={pending}>
        {t("createInstructor")}
      </button>
      <Result state={state} />
    </form>
  );
}
