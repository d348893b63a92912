// The administrator's page: every lab with its owner, age, idle time and memory (and a Stop
// button), capacity, pool and queue, and the accounts with their roles.
import type { Metadata } from "next";
import { getFormatter, getTranslations, setRequestLocale } from "next-intl/server";
import { CreateInstructorForm, RoleForm, StopLabForm } from "@/app/_components/account/admin-forms.client";
import { LocalTime } from "@/app/_components/time/local-time.client";
import { currentUser } from "@/app/_lib/auth/session";
import { labCapacity, listLabs, listUsers } from "@/app/_lib/data/admin";
import { redirect } from "@/app/_lib/i18n/navigation";
import type { Locale } from "@/app/_lib/i18n/routing";

type Props = { params: Promise<{ locale: Locale }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: "Admin" });
  return { title: t("title"), robots: { index: false } };
}

export default async function AdminPage({ params }: Props) {
  const { locale } = await params;
  setRequestLocale(locale);
  const t = await getTranslations("Admin");
  const user = await currentUser();
  if (!user?.email) redirect({ href: `/sign-in?next=${encodeURIComponent(`/${locale}/admin`)}`, locale });
  if (user?.role !== "admin") {
    return (
      <div className="admin" data-testid="admin-forbidden">
        <h1>{t("title")}</h1>
        <p>{t("forbidden")}</p>
      </div>
    );
  }

  const [labs, capacity, users] = await Promise.all([listLabs(), labCapacity(), listUsers()]);
  const format = await getFormatter();
  const now = new Date();
  const active = capacity ? Object.entries(capacity.byStatus).reduce((sum, [, n]) => sum + n, 0) : 0;
  const mib = (bytes: number | null) => (bytes === null ? "–" : format.number(Math.round(bytes / 1024 / 1024)));

  return (
    <div className="admin" data-testid="admin-page">
      <h1>{t("title")}</h1>

      <h2>{t("capacityTitle")}</h2>
      {capacity ? (
        <ul className="admin-summary" data-testid="admin-capacity">
          <li>
            <strong>
              {active} / {capacity.capacity}
            </strong>
            {t("labsInUse")}
          </li>
          <li>
            <strong>
              {capacity.byStatus.pooled ?? 0} / {capacity.poolSize}
            </strong>
            {t("pool")}
          </li>
          <li>
            <strong>{capacity.queue}</strong>
            {t("queue")}
          </li>
        </ul>
      ) : (
        <p className="muted">{t("noRuntime")}</p>
      )}

      <h2>{t("labsTitle", { count: labs.length })}</h2>
      {labs.length === 0 ? (
        <p className="muted">{t("noLabs")}</p>
      ) : (
        <table className="admin-table" data-testid="admin-labs">
          <thead>
            <tr>
              <th>{t("owner")}</th>
              <th>{t("profile")}</th>
              <th>{t("status")}</th>
              <th>{t("age")}</th>
              <th>{t("idle")}</th>
              <th>{t("memory")}</th>
              <th>
                <span className="muted">{t("actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {labs.map((lab) => (
              <tr key={lab.id} data-sandbox-id={lab.id}>
                <td>{lab.ownerEmail ?? (lab.anonymousOwner ? t("anonymous") : t("pooled"))}</td>
                <td>{lab.profile}</td>
                <td>{t(`statuses.${lab.status}`)}</td>
                <td>{format.relativeTime(lab.createdAt, now)}</td>
                <td>{lab.status === "ready" ? format.relativeTime(lab.lastActivityAt, now) : "–"}</td>
                <td className="number">{mib(lab.memoryBytes)}</td>
                <td>{lab.status === "queued" ? null : <StopLabForm sandboxId={lab.id} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>{t("usersTitle")}</h2>
      <p className="muted">{t("anonymousCount", { count: users.anonymous })}</p>
      <table className="admin-table" data-testid="admin-users">
        <thead>
          <tr>
            <th>{t("email")}</th>
            <th>{t("name")}</th>
            <th>{t("joined")}</th>
            <th>{t("lastSeen")}</th>
            <th>{t("role")}</th>
          </tr>
        </thead>
        <tbody>
          {users.accounts.map((account) => (
            <tr key={account.id} data-user-email={account.email} data-role={account.role}>
              <td>{account.email}</td>
              <td>{account.displayName ?? "–"}</td>
              <td>
                <LocalTime at={account.createdAt} options={{ dateStyle: "medium" }} />
              </td>
              <td>{format.relativeTime(account.lastSeenAt, now)}</td>
              <td>
                <RoleForm userId={account.id} role={account.role} own={account.id === user.userId} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>{t("createInstructorTitle")}</h2>
      <p className="muted">{t("createInstructorBody")}</p>
      <CreateInstructorForm />
    </div>
  );
}
