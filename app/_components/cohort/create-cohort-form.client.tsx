"use client";
// The instructor's form for a new cohort. Dates are picked as calendar days in the
// instructor's own time zone and sent as instants: the first moment of the start day and
// the last moment of the end day. A refusal keeps everything typed and names the field.
import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { ActionError, FieldError } from "@/app/_components/actions/action-messages";
import type { ActionFailure } from "@/app/_lib/actions/result";
import { useRouter } from "@/app/_lib/i18n/navigation";
import { createCohortAction } from "@/app/_lib/cohort/actions";
import "./cohort.css";

interface LessonOption {
  id: string;
  title: string;
}

const day = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;

function instant(date: string, endOfDay: boolean): string {
  const local = new Date(`${date}T${endOfDay ? "23:59:59.999" : "00:00:00"}`);
  return Number.isNaN(local.getTime()) ? date : local.toISOString();
}

export function CreateCohortForm({ lessons }: { lessons: LessonOption[] }) {
  const t = useTranslations("Cohort.create");
  const router = useRouter();
  const [name, setName] = useState("");
  const [wholeCourse, setWholeCourse] = useState(true);
  const [chosen, setChosen] = useState<string[]>([]);
  const [startsOn, setStartsOn] = useState(() => day(new Date()));
  const [endsOn, setEndsOn] = useState(() => day(new Date(Date.now() + 30 * 86_400_000)));
  const [failure, setFailure] = useState<ActionFailure | null>(null);
  const [pending, startTransition] = useTransition();

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    startTransition(async () => {
      const result = await createCohortAction({
        name,
        lessonIds: wholeCourse ? null : chosen,
        startsAt: instant(startsOn, false),
        endsAt: instant(endsOn, true),
      });
      if (result.ok) router.push(`/dashboard/${result.data.id}`);
      else setFailure(result);
    });
  };

  const errorFor = (field: string) => <FieldError failure={failure} field={field} id={`cohort-${field}-error`} className="cohort-field-error" />;

  return (
    <form className="cohort-form" onSubmit={submit} data-testid="create-cohort" noValidate>
      <h2>{t("title")}</h2>
      <label>
        {t("name")}
        <input name="name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required aria-invalid={!!failure?.fields?.name} aria-describedby={failure?.fields?.name ? "cohort-name-error" : undefined} />
      </label>
      {errorFor("name")}
      <fieldset>
        <legend>{t("lessons")}</legend>
        <label className="cohort-check">
          <input type="checkbox" name="wholeCourse" checked={wholeCourse} onChange={(e) => setWholeCourse(e.target.checked)} />
          {t("wholeCourse")}
        </label>
        {!wholeCourse ? (
          <ul className="cohort-lesson-choices">
            {lessons.map((lesson) => (
              <li key={lesson.id}>
                <label className="cohort-check">
                  <input
                    type="checkbox"
                    value={lesson.id}
                    checked={chosen.includes(lesson.id)}
                    onChange={(e) => setChosen((c) => (e.target.checked ? [...c, lesson.id] : c.filter((id) => id !== lesson.id)))}
                  />
                  {lesson.title}
                </label>
              </li>
            ))}
          </ul>
        ) : null}
      </fieldset>
      {errorFor("lessonIds")}
      <div className="cohort-dates">
        <label>
          {t("startsOn")}
          <input type="date" name="startsOn" value={startsOn} onChange={(e) => setStartsOn(e.target.value)} required />
        </label>
        <label>
          {t("endsOn")}
          <input type="date" name="endsOn" value={endsOn} onChange={(e) => setEndsOn(e.target.value)} required />
        </label>
      </div>
      {errorFor("startsAt")}
      {errorFor("endsAt")}
      {failure && !failure.fields ? <ActionError failure={failure} className="cohort-field-error" /> : null}
      <button type="submit" className="cohort-button primary" disabled={pending} data-testid="create-cohort-submit">
        {pending ? t("creating") : t("submit")}
      </button>
    </form>
  );
}
