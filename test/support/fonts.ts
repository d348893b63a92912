// Whether a page draws Hangul with a real font. The test hosts have no Korean font of their
// own, so whatever Hangul the page shows comes from the fonts the site ships.
import type { Page } from "playwright-core";

/**
 * Whether two different Hangul syllables come out as different pictures in `family`: a font
 * without Hangul draws both as the same "missing glyph" box.
 */
export async function distinctHangul(page: Page, family: string): Promise<boolean> {
  return page.evaluate(async (family) => {
    const font = `32px ${family}`;
    await document.fonts.load(font, "한글");
    const draw = (text: string) => {
      const canvas = document.createElement("canvas");
      canvas.width = 64;
      canvas.height = 64;
      const ctx = canvas.getContext("2d")!;
      ctx.font = font;
      ctx.fillStyle = "#000";
      ctx.fillText(text, 8, 44);
      return canvas.toDataURL();
    };
    return draw("한") !== draw("글");
  }, family);
}
