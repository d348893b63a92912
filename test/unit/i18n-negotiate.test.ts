// Accept-Language → ko | en (issue 13, item 9): Korean for Korean, English for anything else.
import { describe, expect, it } from "vitest";
import { negotiateLocale } from "@/app/_lib/i18n/negotiate";

describe("negotiateLocale", () => {
  it.each([
    ["ko-KR,ko;q=0.9,en;q=0.5", "ko"],
    ["ko", "ko"],
    ["en-US,en;q=0.9", "en"],
    ["fr-FR,fr;q=0.9", "en"],
    ["ja,en", "en"],
    ["ja,ko;q=0.8", "ko"],
    ["de;q=0.9,ko;q=0.3,en;q=0.5", "en"],
    ["en;q=0.2,ko;q=0.9", "ko"],
    ["*", "en"],
    ["ko;q=0,en;q=0.1", "en"],
    ["", "ko"],
    [null, "ko"],
  ])("%s → %s", (header, expected) => {
    expect(negotiateLocale(header)).toBe(expected);
  });
});
