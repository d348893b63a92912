// The stylesheet for the code themes, as shiki resolves them now (see code-classes.ts).
import { createHighlighter } from "shiki";
import { CODE_THEMES, codeThemeCss } from "./code-classes";

export async function codeThemeStylesheet(): Promise<string> {
  const highlighter = await createHighlighter({ themes: [CODE_THEMES.light, CODE_THEMES.dark], langs: [] });
  try {
    return codeThemeCss(highlighter.getTheme(CODE_THEMES.light), highlighter.getTheme(CODE_THEMES.dark));
  } finally {
    highlighter.dispose();
  }
}
