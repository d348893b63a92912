"use client";
// The instructor's form for a new cohort. Dates are picked as calendar days in the
// instructor's own time zone and sent as instants: the first moment of the start day and
// the last moment of the end day. A refusal keeps everything typed and names the field.
import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
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
  const [errors, setErrors] = useState<Record<string, string>>({});
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
      if (result.ok) {
        router.push(`/dashboard/${result.value.id}`);
        return;
      }
      if (result.error === "invalid" && result.issues) {
        setErrors(Object.fromEntries(result.issues.map((i) => [i.field, i.code])));
      } else {
        setErrors({ form: result.error });
      }
    });
  };

  const errorFor = (field: string) =>
    errors[field] ? (
      <p className="cohort-field-error" id={`cohort-${field}-error`} role="alert">
        {t.has(`errors.${errors[field]}`) ? t(`errors.${errors[field]}`) : t("errors.other")}
      </p>
    ) : null;

  return (
    <form className="cohort-form" onSubmit={submit} data-testid="create-cohort" noValidate>
      <h2>{t("title")}</h2>
      <label>
        {t("name")}
        <input name="name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required aria-invalid={!!errors.name} aria-describedby={errors.name ? "cohort-name-error" : undefined} />
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
      {errors.form ? (
        <p className="cohort-field-error" role="alert">
          {t("errors.other")}
        </p>
      ) : null}
      <button type="submit" className="cohort-button primary" disabled={pending} data-testid="create-cohort-submit">
        {pending ? t("creating") : t("submit")}
      </button>
    </form>
  );
}
