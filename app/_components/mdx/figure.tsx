import type { ReactNode } from "react";

// url is resolved by the lesson loader (per language), which fails the build for a missing
// file, so it is always present for a lesson that loaded. Width and height are unknown to
// the loader; the CSS gives figures their width, so the page does not jump much as they load.
export function Figure({ alt, url, children }: { src: string; alt: string; url?: string; children?: ReactNode }) {
  return (
    <figure className="figure">
      {/* eslint-disable-next-line @next/next/no-img-element -- SVG diagrams, nothing for next/image to optimize */}
      <img src={url} alt={alt} loading="lazy" decoding="async" />
      {children ? <figcaption>{children}</figcaption> : null}
    </figure>
  );
}
