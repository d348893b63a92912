// Shiki's dual-theme output carries every token's colours as an inline style
// (`style="color:#D73A49;--shiki-dark:#F97583"`), and a lesson page sends each token twice: in
// the HTML and in the RSC payload. This transformer turns them into short classes
// (`l-d73a49 d-f97583`) whose rules live once in app/code-theme.css, built from the same
// themes by codeThemeCss(), so a page carries bytes of text, not of styling.
import type { ShikiTransformer, ThemeRegistrationResolved } from "shiki";

/** The two themes of every code block; codeThemeCss() writes the rules for exactly these. */
export const CODE_THEMES = { light: "github-light", dark: "github-dark" } as const;

type Side = "l" | "d";

// Font styles by a letter each. "inherit" (shiki's filler when only one theme styles a token) has none.
const FONT_CLASSES: Record<string, Record<string, string>> = {
  "font-style": { italic: "i" },
  "font-weight": { bold: "b" },
  "text-decoration": { underline: "u", "line-through": "s", "underline line-through": "u s" },
};

/** The declaration's theme side and property, or undefined for one this transformer does not know. */
function sideOf(property: string): { side: Side; property: string } | undefined {
  if (property.startsWith("--shiki-dark")) {
    const rest = property.slice("--shiki-dark".length);
    return { side: "d", property: rest === "" ? "color" : rest.slice(1) };
  }
  return property.startsWith("--") ? undefined : { side: "l", property };
}

function parseStyle(style: string): [string, string][] {
  return style
    .split(";")
    .map((d) => d.trim())
    .filter(Boolean)
    .map((d) => {
      const colon = d.indexOf(":");
      return [d.slice(0, colon).trim(), d.slice(colon + 1).trim()];
    });
}

/** Lower-case hex without `#`, the form class names use; undefined when it is not a hex colour. */
function hexOf(color: string): string | undefined {
  return /^#([0-9a-f]{3,8})$/i.exec(color)?.[1]?.toLowerCase();
}

/**
 * A token's style as classes. Declarations it cannot express (a token background, a named
 * colour) stay inline, so nothing is lost. A token in both themes' default colour and plain
 * font gets no class: it inherits from the block.
 */
export function tokenClasses(style: string, defaults: { l: string; d: string }): { classes: string[]; rest: string } {
  const colors: Partial<Record<Side, string>> = {};
  const fonts: string[] = [];
  const rest: string[] = [];
  for (const [property, value] of parseStyle(style)) {
    const where = sideOf(property);
    if (!where) {
      rest.push(`${property}:${value}`);
      continue;
    }
    if (where.property === "color" && hexOf(value)) {
      colors[where.side] = hexOf(value)!;
      continue;
    }
    const letters = FONT_CLASSES[where.property];
    if (letters && value === "inherit") continue;
    if (letters?.[value]) {
      fonts.push(...letters[value]!.split(" ").map((letter) => `${where.side}-${letter}`));
      continue;
    }
    rest.push(`${property}:${value}`);
  }
  const l = colors.l ?? defaults.l;
  const d = colors.d ?? defaults.d;
  // Both colour classes or none: a dark rule must always be there to replace a light one.
  const classes = l === defaults.l && d === defaults.d ? [] : [`l-${l}`, `d-${d}`];
  return { classes: [...classes, ...fonts], rest: rest.join(";") };
}

const BLOCK_PROPERTIES = new Set(["color", "background-color", "--shiki-dark", "--shiki-dark-bg"]);

/** Moves token and block styles into classes (see the top of this file). */
export const stylesToClasses: ShikiTransformer = {
  name: "kubelab:styles-to-classes",
  pre(node) {
    // The block's own colours are the themes' defaults, which .shiki has in app/code-theme.css.
    const style = typeof node.properties.style === "string" ? node.properties.style : "";
    const rest = parseStyle(style).filter(([property]) => !BLOCK_PROPERTIES.has(property));
    if (rest.length) node.properties.style = rest.map(([p, v]) => `${p}:${v}`).join(";");
    else delete node.properties.style;
  },
  span(node) {
    const style = node.properties.style;
    if (typeof style !== "string") return;
    const { classes, rest } = tokenClasses(style, defaultsOf("themes" in this.options ? this.options.themes : undefined));
    if (rest) node.properties.style = rest;
    else delete node.properties.style;
    if (classes.length) this.addClassToHast(node, classes);
  },
};

// The themes' default foregrounds: a token in them needs no class. Only CODE_THEMES' are known.
function defaultsOf(themes: unknown): { l: string; d: string } {
  const names = themes as Partial<typeof CODE_THEMES> | undefined;
  if (names?.light !== CODE_THEMES.light || names?.dark !== CODE_THEMES.dark) {
    throw new Error(`stylesToClasses knows the colours of ${CODE_THEMES.light}/${CODE_THEMES.dark} only, not ${JSON.stringify(themes)}`);
  }
  return DEFAULT_FOREGROUND;
}

/** The themes' default text colours (their `fg`), checked against shiki's by the unit test. */
export const DEFAULT_FOREGROUND = { l: "24292e", d: "e1e4e8" } as const;

/** The stylesheet for blocks made with stylesToClasses: every foreground colour either theme can give a token. */
export function codeThemeCss(light: ThemeRegistrationResolved, dark: ThemeRegistrationResolved): string {
  const colorsOf = (theme: ThemeRegistrationResolved) => {
    const all = new Set<string>();
    for (const color of [theme.fg, ...theme.settings.map((s) => s.settings?.foreground)]) {
      const hex = color ? hexOf(color) : undefined;
      if (hex) all.add(hex);
    }
    return [...all].sort();
  };
  const fontRules = (side: Side, on: boolean) =>
    [
      `.shiki .${side}-i{font-style:${on ? "italic" : "normal"}}`,
      `.shiki .${side}-b{font-weight:${on ? "bold" : "inherit"}}`,
      on ? `.shiki .${side}-u{text-decoration:underline}` : `.shiki .${side}-u,.shiki .${side}-s{text-decoration:none}`,
      ...(on ? [`.shiki .${side}-s{text-decoration:line-through}`, `.shiki .${side}-u.${side}-s{text-decoration:underline line-through}`] : []),
    ].join("\n");
  return [
    `/* Generated by app/_lib/lessons/write-code-theme.ts from shiki's ${light.name} and ${dark.name}; do not edit. */`,
    `.shiki{color:${light.fg};background-color:${light.bg}}`,
    ...colorsOf(light).map((hex) => `.shiki .l-${hex}{color:#${hex}}`),
    fontRules("l", true),
    "@media (prefers-color-scheme: dark) {",
    `.shiki{color:${dark.fg};background-color:${dark.bg}}`,
    // Same specificity as the light rules and later, so a dark class always wins in the dark.
    ...colorsOf(dark).map((hex) => `.shiki .d-${hex}{color:#${hex}}`),
    fontRules("l", false),
    fontRules("d", true),
    "}",
    "",
  ].join("\n");
}
