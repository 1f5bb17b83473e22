// Keys for the entries of a bare-array statistic (ads, campaigns) that may come without an id. The
// official ads description has no `ad_id`, and two ads can share a name: a key made of the name
// alone would fold them into one row, and the spend of one would be lost. An entry is keyed by its
// ids where it has them; otherwise by what it has (campaign, ad set, name), and entries that still
// share a key are told apart by their order in the answer (`#2`, `#3`, ...), so no two entries of
// one answer ever share a key.

/** The base key of each entry (its ids, or a description of it), made unique within the answer. */
export function uniqueKeys(bases: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return bases.map((base) => {
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}#${n}`;
  });
}

/** `label:value` parts of the values present, joined by `/`; null when none is present. */
export function describedBy(parts: ReadonlyArray<readonly [label: string, value: string | null]>): string | null {
  const present = parts.filter(([, value]) => value !== null && value !== '').map(([label, value]) => `${label}:${value}`);
  return present.length > 0 ? present.join('/') : null;
}
