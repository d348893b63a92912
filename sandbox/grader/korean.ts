// Korean particles that depend on whether the preceding word ends in a consonant (받침).
// Messages put a Korean noun before every particle (e.g. "app 레이블이"), so the rule only
// has to be exact for Hangul; other endings are read as Korean speakers read them aloud.

const DIGIT_BATCHIM = [true, true, false, true, false, false, true, true, true, false]; // 영 일 이 삼 사 오 육 칠 팔 구
const LETTERS_WITH_BATCHIM = new Set(["l", "m", "n", "r"]); // 엘 엠 엔 알

export function endsWithBatchim(word: string): boolean {
  const last = word.trim().at(-1) ?? "";
  const code = last.charCodeAt(0);
  if (code >= 0xac00 && code <= 0xd7a3) return (code - 0xac00) % 28 !== 0;
  if (/[0-9]/.test(last)) return DIGIT_BATCHIM[Number(last)]!;
  return LETTERS_WITH_BATCHIM.has(last.toLowerCase());
}

/** word + 이/가 */
export function subject(word: string): string {
  return word + (endsWithBatchim(word) ? "이" : "가");
}

/** word + 은/는 */
export function topic(word: string): string {
  return word + (endsWithBatchim(word) ? "은" : "는");
}

/** word + 이어야/여야 ("must be word") */
export function mustBe(word: string): string {
  return word + (endsWithBatchim(word) ? "이어야" : "여야");
}
