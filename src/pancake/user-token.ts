// The user token is a JWT that expires 90 days after it is issued; its `exp` claim says when
// (docs/pancake-api.md, "Bases and tokens"). Reading the claim needs no signature check: the date
// only decides when to warn, and Pancake itself says whether it still accepts the token.

/** When the token expires, from its JWT `exp` claim; null for a token that is not a JWT or has no `exp`. */
export function tokenExpiry(token: string): Date | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => /^[A-Za-z0-9_-]+={0,2}$/.test(part))) return null;
  try {
    const payload = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8')) as unknown;
    const exp = typeof payload === 'object' && payload !== null ? (payload as { exp?: unknown }).exp : undefined;
    if (typeof exp !== 'number' || !Number.isFinite(exp) || exp <= 0 || exp > 1e11) return null;
    return new Date(exp * 1000);
  } catch {
    return null;
  }
}
