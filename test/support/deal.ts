// Deals work to a few labs that run side by side, so that each gets about the same amount:
// the heaviest items first, each to the lab with the least so far. Each lab's items keep the
// order they came in (course order), since a lab takes them one after another.
export function dealEvenly<T>(items: readonly T[], count: number, weight: (item: T) => number): T[][] {
  const bins = Array.from({ length: count }, () => ({ items: new Set<T>(), weight: 0 }));
  for (const item of [...items].sort((a, b) => weight(b) - weight(a))) {
    const lightest = bins.reduce((a, b) => (b.weight < a.weight ? b : a));
    lightest.items.add(item);
    lightest.weight += weight(item);
  }
  return bins.map((bin) => items.filter((item) => bin.items.has(item)));
}
