// Korean and English are equal: every UI string exists in both, and none is empty.
import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import { describe, expect, it } from "vitest";
import en from "@/app/_lib/i18n/messages/en.json";
import ko from "@/app/_lib/i18n/messages/ko.json";

function flatten(obj: object, prefix = ""): Record<string, string> {
  return Object.entries(obj).reduce<Record<string, string>>((acc, [k, v]) => {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "object" && v !== null) Object.assign(acc, flatten(v, key));
    else acc[key] = String(v);
    return acc;
  }, {});
}

describe("UI messages", () => {
  const koFlat = flatten(ko);
  const enFlat = flatten(en);

  it("have the same keys in Korean and English", () => {
    expect(Object.keys(koFlat).sort()).toEqual(Object.keys(enFlat).sort());
  });

  it("have no empty strings", () => {
    for (const [key, value] of Object.entries({ ...koFlat, ...enFlat })) expect(value.trim(), key).not.toBe("");
  });

  it("use the same ICU placeholders in both languages", () => {
    const collect = (els: MessageFormatElement[], out: Set<string>): Set<string> => {
      for (const el of els) {
        if (el.type === TYPE.literal || el.type === TYPE.pound) continue;
        if ("value" in el && typeof el.value === "string") out.add(el.value);
        if ("options" in el) for (const o of Object.values(el.options)) collect(o.value, out);
      }
      return out;
    };
    const names = (s: string) => [...collect(parse(s), new Set())].sort();
    for (const key of Object.keys(koFlat)) expect(names(koFlat[key]!), key).toEqual(names(enFlat[key]!));
  });

  it("Korean strings are written in Korean", () => {
    const hangul = /[\uac00-\ud7a3]/;
    const exempt = new Set(["Site.name", "Nav.switchTo"]);
    for (const [key, value] of Object.entries(koFlat)) if (!exempt.has(key)) expect(value, key).toMatch(hangul);
  });
});
