import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { sql } from 'kysely';
import type { Config } from '../../../config.js';
import { recordAuthEvent, recordAuthFailure } from '../../../identity/auth-events.js';
import type { AuthContext, AuthDeps } from '../../../identity/context.js';
import { findUserById, type UserRow } from '../../../identity/users/repo.js';
import { AppError } from '../../../shared/errors.js';
import { APP_NAME } from '../../../web/web-plugin.js';
import { limit } from '../throttle.js';
import { confirmedFactors, findPasskey, insertFactor } from './factors-repo.js';
import { factorAdded } from './service.js';

/**
 * The WebAuthn library, loaded on the first passkey ceremony rather than at start: it is the
 * heaviest import of the process (~190 ms and ~30 MB, bench/README.md), for a step few requests take.
 */
const webauthn = () => import('@simplewebauthn/server');

/** How long the browser has to finish a ceremony (the user may need to find a security key). */
const CEREMONY_MS = 5 * 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ATTEMPTS_PER_IP = { limit: 30, windowSeconds: 300 } as const;

/** The relying party is this instance: its id is PUBLIC_URL's host name, its origin PUBLIC_URL's origin. */
export function relyingParty(config: Pick<Config, 'PUBLIC_URL'>) {
  const url = new URL(config.PUBLIC_URL);
  return { id: url.hostname, origin: url.origin, name: APP_NAME };
}

async function storeChallenge(
  ctx: AuthContext,
  purpose: 'register' | 'authenticate',
  userId: string | null,
  challenge: string,
): Promise<string> {
  // Expired challenges are swept here rather than by a job: they are few and tiny.
  await ctx.trx.deleteFrom('webauthn_challenges').where('expires_at', '<', new Date()).execute();
  const row = await ctx.trx
    .insertInto('webauthn_challenges')
    .values({ purpose, user_id: userId, challenge, expires_at: new Date(Date.now() + CEREMONY_MS) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Takes a challenge out of the table: each can be answered once, and only before it expires. This
 * commits on its own, outside the ceremony's transaction, so a failed answer still uses it up.
 */
async function consumeChallenge(
  deps: AuthDeps,
  id: string,
  purpose: 'register' | 'authenticate',
): Promise<{ challenge: string; userId: string | null }> {
  if (!UUID.test(id))
    throw new AppError('invalid_code', 'The passkey request expired or was already used. Try again.');
  const row = await deps.db
    .deleteFrom('webauthn_challenges')
    .where('id', '=', id)
    .where('purpose', '=', purpose)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning(['challenge', 'user_id'])
    .executeTakeFirst();
  if (!row) throw new AppError('invalid_code', 'The passkey request expired or was already used. Try again.');
  return { challenge: row.challenge, userId: row.user_id };
}

const toTransports = (list: string[] | null): string[] => list ?? [];

export interface PasskeyCeremony<T> {
  challengeId: string;
  options: T;
}

/** Registration options for a signed-in user; their existing passkeys are excluded (no duplicates). */
export async function startPasskeyRegistration(
  deps: AuthDeps,
  ctx: AuthContext,
  user: UserRow,
): Promise<PasskeyCeremony<PublicKeyCredentialCreationOptionsJSON>> {
  const rp = relyingParty(deps.config);
  const existing = (await confirmedFactors(ctx.trx, user.id)).filter((f) => f.kind === 'passkey');
  const options = await (await webauthn()).generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.email,
    userDisplayName: user.display_name,
    // The user handle is the account's UUID: stable, and no personal data inside the authenticator.
    userID: Buffer.from(user.id.replaceAll('-', ''), 'hex'),
    attestationType: 'none',
    timeout: CEREMONY_MS,
    excludeCredentials: existing.map((f) => ({
      id: f.credential_id!,
      transports: toTransports(f.transports),
    })),
    // Discoverable, so the passkey can sign in without an email address typed first.
    authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
  });
  return { challengeId: await storeChallenge(ctx, 'register', user.id, options.challenge), options };
}

/** Checks the authenticator's answer and stores the new passkey; returns backup codes when it is the first factor. */
export async function finishPasskeyRegistration(
  deps: AuthDeps,
  ctx: AuthContext,
  user: UserRow,
  input: { challengeId: string; name: string; response: RegistrationResponseJSON },
): Promise<{ factorId: string; backupCodes?: string[] }> {
  const { challenge, userId } = await consumeChallenge(deps, input.challengeId, 'register');
  if (userId !== user.id)
    throw new AppError('invalid_code', 'The passkey request expired or was already used.');
  const rp = relyingParty(deps.config);
  const result = await (await webauthn())
    .verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: false,
    })
    .catch((error: Error) => {
      throw new AppError('validation_failed', `The passkey could not be registered: ${error.message}`);
    });
  if (!result.verified) throw new AppError('validation_failed', 'The passkey could not be verified.');
  const { credential } = result.registrationInfo;
  if (await findPasskey(ctx.trx, credential.id))
    throw new AppError('conflict', 'This passkey is already registered.');
  const factorId = await insertFactor(ctx.trx, {
    user_id: user.id,
    kind: 'passkey',
    label: input.name,
    credential_id: credential.id,
    public_key: Buffer.from(credential.publicKey),
    sign_count: credential.counter,
    transports: credential.transports ?? [],
    confirmed_at: new Date(),
  });
  const backupCodes = await factorAdded(deps, ctx, user, (t) =>
    t('mail:securityNotice.factor.passkeyAdded', { name: input.name }),
  );
  return { factorId, ...(backupCodes ? { backupCodes } : {}) };
}

/**
 * Sign-in options. With `userId` (a password or link sign-in waiting for its second factor, or a
 * signed-in user re-authenticating) only that user's passkeys are offered; without it the browser
 * offers any passkey it holds for this site (passwordless sign-in), which must verify the user
 * (PIN or biometrics) so that the passkey alone is two factors.
 */
export async function startPasskeyAuthentication(
  deps: AuthDeps,
  ctx: AuthContext,
  userId: string | null,
): Promise<PasskeyCeremony<PublicKeyCredentialRequestOptionsJSON>> {
  await limit(deps, `passkey:ip:${ctx.meta.ip}`, ATTEMPTS_PER_IP);
  const mine = userId
    ? (await confirmedFactors(ctx.trx, userId)).filter((f) => f.kind === 'passkey')
    : undefined;
  if (mine?.length === 0) throw new AppError('not_found', 'You have no passkey yet.');
  const options = await (await webauthn()).generateAuthenticationOptions({
    rpID: relyingParty(deps.config).id,
    timeout: CEREMONY_MS,
    userVerification: userId ? 'preferred' : 'required',
    ...(mine
      ? {
          allowCredentials: mine.map((f) => ({
            id: f.credential_id!,
            transports: toTransports(f.transports),
          })),
        }
      : {}),
  });
  return { challengeId: await storeChallenge(ctx, 'authenticate', userId, options.challenge), options };
}

/** Verifies an assertion; returns the user it proves. Failures are audited and say nothing more. */
export async function finishPasskeyAuthentication(
  deps: AuthDeps,
  ctx: AuthContext,
  input: { challengeId: string; response: AuthenticationResponseJSON },
): Promise<UserRow> {
  await limit(deps, `passkey:ip:${ctx.meta.ip}`, ATTEMPTS_PER_IP);
  const { challenge, userId } = await consumeChallenge(deps, input.challengeId, 'authenticate');
  const factor = await findPasskey(ctx.trx, input.response.id);
  const refuse = async (reason: string): Promise<never> => {
    recordAuthFailure(ctx, 'mfa_failed', factor?.user_id ?? userId, { method: 'passkey', reason });
    throw new AppError('invalid_code', 'That passkey was not accepted.');
  };
  if (!factor || (userId && factor.user_id !== userId)) return refuse('unknown credential');
  const rp = relyingParty(deps.config);
  const result = await (await webauthn())
    .verifyAuthenticationResponse({
      response: input.response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: userId === null,
      credential: {
        id: factor.credential_id!,
        publicKey: new Uint8Array(factor.public_key!),
        counter: Number(factor.sign_count ?? 0),
        transports: toTransports(factor.transports),
      },
    })
    .catch(() => undefined);
  if (!result?.verified) return refuse('signature or counter check failed');
  await ctx.trx
    .updateTable('mfa_factors')
    .set({ sign_count: result.authenticationInfo.newCounter, last_used_at: new Date() })
    .where('id', '=', factor.id)
    .execute();
  const user = await findUserById(ctx.trx, factor.user_id);
  if (!user || user.status === 'disabled') return refuse('account disabled');
  await recordAuthEvent(ctx.trx, 'mfa_succeeded', ctx.meta, user.id, {
    method: 'passkey',
    passwordless: userId === null,
  });
  return user;
}
