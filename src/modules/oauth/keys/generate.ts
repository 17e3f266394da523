import { createHash, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import type { PublicJwk, SigningAlg } from './table.js';

export interface GeneratedKey {
  kid: string;
  alg: SigningAlg;
  publicJwk: PublicJwk;
  privateJwk: JsonWebKey;
}

/** RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order. */
function thumbprint(jwk: JsonWebKey): string {
  const members =
    jwk.kty === 'OKP'
      ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x }
      : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

/** A fresh key pair: Ed25519 for EdDSA (RFC 8037) or P-256 for ES256; the kid is its thumbprint. */
export function generateSigningKey(alg: SigningAlg): GeneratedKey {
  const { publicKey, privateKey } =
    alg === 'EdDSA' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pub = publicKey.export({ format: 'jwk' });
  const kid = thumbprint(pub);
  return {
    kid,
    alg,
    publicJwk: {
      kty: pub.kty!,
      crv: pub.crv!,
      x: pub.x!,
      ...(pub.y ? { y: pub.y } : {}),
      kid,
      alg,
      use: 'sig',
    },
    privateJwk: privateKey.export({ format: 'jwk' }),
  };
}
