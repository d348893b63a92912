import type { ReactNode } from "react";

// dataUri is resolved by the lesson loader (per language), which fails the build for a
// missing file, so it is always present for a lesson that loaded.
export function Figure({ alt, dataUri, children }: { src: string; alt: string; dataUri?: string; children?: ReactNode }) {
  return (
    <figure className="figure">
      {/* eslint-disable-next-line @next/next/no-img-element -- inline SVG data, nothing to optimize */}
      <img src={dataUri} alt={alt} loading="lazy" />
      {children ? <figcaption>{children}</figcaption> : null}
    </figure>
  );
}
