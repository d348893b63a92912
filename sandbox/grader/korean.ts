// Korean particles that depend on whether the preceding word ends in a consonant (받침).
// Messages put a Korean noun before most particles (e.g. "app 레이블이"); after a value in
// `code` the particle follows how a Korean speaker reads the value aloud: digits as 영 일 이
// 삼..., a lone capital as its letter name (엘 엠 엔 알), an English word by its last sound
// ("Running" 러닝, "app" 앱, "LoadBalancer" 로드밸런서).

const DIGIT_BATCHIM = [true, true, false, true, false, false, true, true, true, false]; // 영 일 이 삼 사 오 육 칠 팔 구
const CAPITALS_WITH_BATCHIM = new Set(["L", "M", "N", "R"]); // 엘 엠 엔 알
const VOWELS = new Set(["a", "e", "i", "o", "u"]);

/** The word a particle follows: a trailing (parenthetical) is not read before it. */
function spoken(word: string): string {
  return word.trim().replace(/\([^()]*\)$/, "").trim().replace(/[`'")\]]+$/, "");
}

export function endsWithBatchim(word: string): boolean {
  const text = spoken(word);
  const last = text.at(-1) ?? "";
  const code = last.charCodeAt(0);
  if (code >= 0xac00 && code <= 0xd7a3) return (code - 0xac00) % 28 !== 0;
  if (/[0-9]/.test(last)) return DIGIT_BATCHIM[Number(last)]!;
  if (/[A-Z]/.test(last)) {
    // A capital after a lowercase letter ends a camelCase word read as a word; otherwise it is spelled.
    const before = text.at(-2) ?? "";
    if (!/[a-z]/.test(before)) return CAPITALS_WITH_BATCHIM.has(last);
  }
  const lower = text.toLowerCase();
  if (/ng$/.test(lower)) return true; // 러닝, 스테이징
  if (/[lmn]$/.test(lower)) return true; // 그린, 컴, 엘
  if (/ck$/.test(lower)) return true; // 백
  const before = lower.at(-2) ?? "";
  if (/[ptkbc]$/.test(lower) && (VOWELS.has(before) || /(pp|tt)$/.test(lower))) return true; // 앱, 셋, 북, 웹, 독
  return false;
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

/** word + 을/를 */
export function object(word: string): string {
  return word + (endsWithBatchim(word) ? "을" : "를");
}

/** word + 으로/로 (ㄹ받침 takes 로) */
export function toward(word: string): string {
  const text = spoken(word);
  const last = text.at(-1) ?? "";
  const code = last.charCodeAt(0);
  const rieul = (code >= 0xac00 && code <= 0xd7a3 && (code - 0xac00) % 28 === 8) || /[lL178]$/.test(text);
  return word + (endsWithBatchim(word) && !rieul ? "으로" : "로");
}
