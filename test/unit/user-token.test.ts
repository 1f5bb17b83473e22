import { describe, expect, it } from 'vitest';
import { userJwtFor, userTokenFor } from '../../src/simulator/index.js';
import { EXPIRY_WARNING_DAYS, expiryWarning, tokenExpiry } from '../../src/sync/user-token.js';

const DAY = 86_400_000;

describe("the user token's expiry", () => {
  it('is read from a JWT `exp`, without checking the signature', () => {
    const expiresAt = new Date('2027-03-01T08:00:00Z');
    expect(tokenExpiry(userJwtFor(1, 1, new Date(expiresAt.getTime() - 90 * DAY), expiresAt))).toEqual(expiresAt);
    const payload = Buffer.from(JSON.stringify({ exp: 1_800_000_000 })).toString('base64url');
    expect(tokenExpiry(`eyJhbGciOiJIUzI1NiJ9.${payload}.not-a-real-signature`)).toEqual(new Date(1_800_000_000_000));
  });

  it('is unknown for a token that is not a JWT, or a JWT without a usable exp', () => {
    expect(tokenExpiry(userTokenFor(1))).toBeNull();
    expect(tokenExpiry('plain-token')).toBeNull();
    expect(tokenExpiry('a.b.c')).toBeNull();
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    expect(tokenExpiry(`${part({})}.${part({ iat: 1 })}.sig`)).toBeNull();
    expect(tokenExpiry(`${part({})}.${part({ exp: 'soon' })}.sig`)).toBeNull();
    expect(tokenExpiry(`${part({})}.${Buffer.from('not json').toString('base64url')}.sig`)).toBeNull();
  });

  it(`warns from ${EXPIRY_WARNING_DAYS} days before, naming PANCAKE_ACCESS_TOKEN and the date`, () => {
    const expiresAt = new Date('2027-03-01T08:00:00Z');
    const before = (days: number) => new Date(expiresAt.getTime() - days * DAY);
    expect(expiryWarning(expiresAt, before(EXPIRY_WARNING_DAYS + 1))).toBeNull();
    expect(expiryWarning(expiresAt, before(EXPIRY_WARNING_DAYS))).toMatch(/^PANCAKE_ACCESS_TOKEN expires on 2027-03-01 08:00 UTC \(in 14 days\): generate a new user token/);
    expect(expiryWarning(expiresAt, before(1.5))).toMatch(/in 1 day\)/);
    expect(expiryWarning(expiresAt, before(0.2))).toMatch(/in less than a day\)/);
    expect(expiryWarning(expiresAt, before(-3))).toMatch(/^PANCAKE_ACCESS_TOKEN expired on 2027-03-01 08:00 UTC: generate a new user token/);
    expect(expiryWarning(null, before(0))).toBeNull();
  });
});
