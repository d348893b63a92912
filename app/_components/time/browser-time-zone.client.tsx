"use client";
// Every time on the site in the reader's own time zone. The server renders times in the
// configured zone (request.ts: Asia/Seoul), which is what the browser also uses while it
// hydrates, so the HTML and the first render agree; right after, this provider hands every
// formatter below it the browser's zone, and each time re-renders in the reader's zone.
// Server components show times through <LocalTime> and <LocalDateRange> (./local-time.client),
// so they follow too.
import { NextIntlClientProvider, useLocale } from "next-intl";
import { type ReactNode, useEffect, useState } from "react";

export function BrowserTimeZone({ children }: { children: ReactNode }) {
  const locale = useLocale();
  const [timeZone, setTimeZone] = useState<string | undefined>(undefined);
  useEffect(() => {
    try {
      setTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone);
    } catch {
      // A browser that cannot name its zone keeps the server's.
    }
  }, []);
  // Without a timeZone the provider inherits the server's (next-intl merges with its parent).
  return (
    <NextIntlClientProvider locale={locale} timeZone={timeZone}>
      {children}
    </NextIntlClientProvider>
  );
}
