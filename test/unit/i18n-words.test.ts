// One word for each thing on every Korean page (issue 13, item 5): the lab is "실습 환경"
// (the learner's pages said so, the instructor's dashboard said "랩"), and a cohort is "반",
// the word Korean bootcamps use ("코호트" read as a foreign term). URLs keep "cohort".
import { describe, expect, it } from "vitest";
import ko from "@/app/_lib/i18n/messages/ko.json";

function strings(obj: object, prefix = ""): [string, string][] {
  return Object.entries(obj).flatMap(([k, v]) => (typeof v === "object" && v !== null ? strings(v, `${prefix}${k}.`) : [[`${prefix}${k}`, String(v)] as [string, string]]));
}

describe("Korean UI words", () => {
  const all = strings(ko);

  it("never say 코호트", () => {
    expect(all.filter(([, v]) => v.includes("코호트"))).toEqual([]);
  });

  it("never call the lab 랩", () => {
    // 랩 as a word of its own; syllables inside other words (e.g. 슬랩) would not count.
    expect(all.filter(([, v]) => /(^|[^가-힣])랩/.test(v))).toEqual([]);
  });
});
