// Seeded randomness. Everything the simulator invents comes from here so that one seed (plus one
// `now`) reproduces the same shop byte for byte, which is what lets tests compare a synced warehouse
// with `Simulator.data` and lets a benchmark be re-run on identical data.

/** Mixes any list of numbers/strings into one 32-bit seed (cyrb53-style, truncated). */
export function hashSeed(...parts: Array<string | number>): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  const text = parts.map(String).join('\u0000');
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h1 ^ h2) >>> 0;
}

/** mulberry32: tiny, fast and good enough for test data (not for anything secret). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

export class Random {
  private readonly source: () => number;

  constructor(seed: number) {
    this.source = mulberry32(seed);
  }

  /** Derives an independent stream, so adding records in one place does not reshuffle another. */
  static of(...parts: Array<string | number>): Random {
    return new Random(hashSeed(...parts));
  }

  next(): number {
    return this.source();
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.source() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.source() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Random.pick needs a non-empty list');
    return items[Math.floor(this.source() * items.length)] as T;
  }

  /** Up to `count` distinct items, in the list's order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const chosen = new Set<number>();
    const want = Math.min(count, items.length);
    while (chosen.size < want) chosen.add(Math.floor(this.source() * items.length));
    return [...chosen].sort((a, b) => a - b).map((i) => items[i] as T);
  }

  private chars(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.source() * alphabet.length)];
    return out;
  }

  /** A numeric id of `length` digits without a leading zero (Facebook ids look like this). */
  digits(length: number): string {
    return String(this.int(1, 9)) + this.chars('0123456789', length - 1);
  }

  alnum(length: number): string {
    return this.chars(ALNUM, length);
  }

  uuid(): string {
    const h = this.chars(HEX, 32);
    const variant = HEX[8 + Math.floor(this.source() * 4)];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}
