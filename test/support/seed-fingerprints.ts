// Writes test/fixtures/seed-fingerprints.json from the seed articles (../shared/seeds by
// default). The repository keeps only hashes of the seeds' sentences and word runs, not their
// text, so the originality test runs anywhere, including CI machines without the seeds.
//   npx tsx test/support/seed-fingerprints.ts [seedDir]
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fingerprintsOf, MIN_SENTENCE_CHARS, SHINGLE_WORDS } from "./prose";

export const FINGERPRINTS_FILE = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../fixtures/seed-fingerprints.json");
export const DEFAULT_SEED_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../../shared/seeds");

export interface SeedFingerprints {
  version: 1;
  minSentenceChars: number;
  shingleWords: number;
  sentences: string[];
  shingles: string[];
}

export function seedFingerprints(seedDir: string): SeedFingerprints {
  const sentences = new Set<string>();
  const shingles = new Set<string>();
  for (const name of readdirSync(seedDir).filter((n) => n.endsWith(".txt") || n.endsWith(".md")).sort()) {
    const prints = fingerprintsOf(readFileSync(path.join(seedDir, name), "utf8"));
    for (const hash of prints.sentences.keys()) sentences.add(hash);
    for (const hash of prints.shingles.keys()) shingles.add(hash);
  }
  return { version: 1, minSentenceChars: MIN_SENTENCE_CHARS, shingleWords: SHINGLE_WORDS, sentences: [...sentences].sort(), shingles: [...shingles].sort() };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const prints = seedFingerprints(path.resolve(process.argv[2] ?? DEFAULT_SEED_DIR));
  writeFileSync(FINGERPRINTS_FILE, `${JSON.stringify(prints)}\n`);
  console.log(`${FINGERPRINTS_FILE}: ${prints.sentences.length} sentences, ${prints.shingles.length} word runs`);
}
