"use client";
// Times that server components show, formatted in the browser so that they follow the
// reader's time zone (BrowserTimeZone) instead of the server's.
import { type DateTimeFormatOptions, useFormatter } from "next-intl";

type DateTimeOptions = DateTimeFormatOptions;

export function LocalTime({ at, options }: { at: string | Date; options: DateTimeOptions }) {
  const format = useFormatter();
  const date = new Date(at);
  return (
    <time dateTime={date.toISOString()} suppressHydrationWarning>
      {format.dateTime(date, options)}
    </time>
  );
}

export function LocalDateRange({ from, to, options }: { from: string | Date; to: string | Date; options: DateTimeOptions }) {
  const format = useFormatter();
  const start = new Date(from);
  const end = new Date(to);
  return (
    <time dateTime={`${start.toISOString()}/${end.toISOString()}`} data-testid="date-range" suppressHydrationWarning>
      {format.dateTimeRange(start, end, options)}
    </time>
  );
}
