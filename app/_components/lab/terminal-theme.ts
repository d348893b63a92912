// Terminal colours for the site's two modes. xterm.js's default palette assumes a black
// background; on a light page its yellow and white are unreadable, so both modes get their
// own ANSI colours, chosen to keep kubectl's and ls's output legible against the site's
// background colours (app/globals.css).
import type { ITheme } from "@xterm/xterm";

export const LIGHT_THEME: ITheme = {
  background: "#f8fafd",
  foreground: "#1b2330",
  cursor: "#326ce5",
  cursorAccent: "#f8fafd",
  selectionBackground: "#326ce540",
  black: "#1b2330",
  red: "#b42318",
  green: "#15803d",
  yellow: "#8a5a00",
  blue: "#2456c7",
  magenta: "#9333ea",
  cyan: "#0e7490",
  white: "#5b6677",
  brightBlack: "#6b7686",
  brightRed: "#d92d20",
  brightGreen: "#16a34a",
  brightYellow: "#a16207",
  brightBlue: "#326ce5",
  brightMagenta: "#a855f7",
  brightCyan: "#0891b2",
  brightWhite: "#1b2330",
};

export const DARK_THEME: ITheme = {
  background: "#0b1017",
  foreground: "#e6ebf2",
  cursor: "#6b9bff",
  cursorAccent: "#0b1017",
  selectionBackground: "#6b9bff55",
  black: "#2a3442",
  red: "#f87171",
  green: "#4ade80",
  yellow: "#facc15",
  blue: "#6b9bff",
  magenta: "#c084fc",
  cyan: "#22d3ee",
  white: "#d4dbe6",
  brightBlack: "#7b879a",
  brightRed: "#fca5a5",
  brightGreen: "#86efac",
  brightYellow: "#fde047",
  brightBlue: "#93b4ff",
  brightMagenta: "#d8b4fe",
  brightCyan: "#67e8f9",
  brightWhite: "#ffffff",
};

export const DARK_QUERY = "(prefers-color-scheme: dark)";

export function themeFor(dark: boolean): ITheme {
  return dark ? DARK_THEME : LIGHT_THEME;
}

/**
 * Hangul needs a font that has it; terminal cells are sized from the first font found.
 * "Nanum Gothic Coding" is shipped by the site (app/[locale]/layout.tsx imports it from
 * @fontsource, split by unicode-range): it stands last, before the generic family, so the
 * system's Latin monospace font sizes the cells and only Hangul is drawn (and downloaded)
 * from it, on systems with no Korean monospace font of their own.
 */
export const TERMINAL_FONT = '"D2Coding", "Noto Sans Mono CJK KR", ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", "Nanum Gothic Coding", monospace';
