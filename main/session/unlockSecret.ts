import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { z } from 'zod';

/** scrypt parameters: N=2^15, r=8, p=1 (about 32 MiB and tens of milliseconds per guess). */
const PARAMS = { N: 32_768, r: 8, p: 1 } as const;
const KEY_BYTES = 32;

export const UnlockVerifierSchema = z.object({
  v: z.literal(1),
  salt: z.string().min(16),
  hash: z.string().min(16),
  N: z.number().int().positive(),
  r: z.number().int().positive(),
  p: z.number().int().positive(),
});
export type UnlockVerifier = z.infer<typeof UnlockVerifierSchema>;

function derive(secret: string, salt: Buffer, params: ScryptOptions & { N: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret.normalize('NFKC'), salt, KEY_BYTES, { ...params, maxmem: 128 * params.N * (params.r ?? 8) * 2 }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** Hashes a PIN or passphrase for storage; the result is sealed before it reaches the disk. */
export async function createVerifier(secret: string): Promise<UnlockVerifier> {
  const salt = randomBytes(16);
  const hash = await derive(secret, salt, PARAMS);
  return { v: 1, salt: salt.toString('base64'), hash: hash.toString('base64'), ...PARAMS };
}

export async function verifySecret(secret: string, verifier: UnlockVerifier): Promise<boolean> {
  const expected = Buffer.from(verifier.hash, 'base64');
  const actual = await derive(secret, Buffer.from(verifier.salt, 'base64'), { N: verifier.N, r: verifier.r, p: verifier.p });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
