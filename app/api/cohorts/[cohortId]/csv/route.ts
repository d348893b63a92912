// The cohort's grades as a CSV download, for the cohort's instructor or an admin. Column
// names and status words are in the language asked for (?locale=ko|en, Korean by default).
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { authErrorResponse, isAuthError } from "@/app/_lib/auth/guards";
import { cohortCsv } from "@/app/_lib/data/cohort-progress";
import { CohortNotFoundError } from "@/app/_lib/data/cohorts";
import { routing } from "@/app/_lib/i18n/routing";

export const dynamic = "force-dynamic";

const querySchema = z.object({ locale: z.enum(routing.locales).default(routing.defaultLocale) });

export async function GET(request: Request, { params }: { params: Promise<{ cohortId: string }> }) {
  const { cohortId } = await params;
  const query = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) return Response.json({ error: "locale must be ko or en" }, { status: 400 });
  const { locale } = query.data;
  const t = await getTranslations({ locale, namespace: "Dashboard.csv" });
  try {
    const { filename, body } = await cohortCsv(cohortId, locale, {
      name: t("name"),
      email: t("email"),
      passed: t("passed"),
      total: t("total"),
      lastActivity: t("lastActivity"),
      status: t("status"),
      firstPassedAt: t("firstPassedAt"),
      attempts: t("attempts"),
      statusPassed: t("statusPassed"),
      statusAttempted: t("statusAttempted"),
      statusNotStarted: t("statusNotStarted"),
    });
    return new Response(body, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        // RFC 6266: an ASCII fallback, and the real (possibly Korean) name percent-encoded.
        "content-disposition": `attachment; filename="cohort.csv"; filename*=UTF-8''${encodeURIComponent(filename)}`,
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    if (error instanceof CohortNotFoundError) return Response.json({ error: "no such cohort" }, { status: 404 });
    if (isAuthError(error)) return authErrorResponse(error);
    throw error;
  }
}
