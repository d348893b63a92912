// The real root layout is app/[locale]/layout.tsx, which knows the language for <html lang>.
// This one exists so that app/not-found.tsx has a parent for paths outside any locale.
import type { ReactNode } from "react";

export default function RootLayout({ children }: { children: ReactNode }) {
  return children;
}
