import type { Kysely } from 'kysely';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { DB } from '../../../platform/db/schema.js';
import { type ClientRow, findClient } from '../clients/repo.js';

/** What oidc-provider sees of a registered client (RFC 7591 metadata). */
export function clientMetadata(client: ClientRow): AdapterPayload {
  const signsIn = client.grant_types.includes('authorization_code');
  const oidcScopes = signsIn
    ? [
        'openid',
        'profile',
        'email',
        ...(client.grant_types.includes('refresh_token') ? ['offline_access'] : []),
      ]
    : [];
  return {
    client_id: client.client_id,
    client_name: client.name,
    // The hash, not the secret: OauthServer makes the provider compare hashes (see provider.ts).
    ...(client.secret_hash ? { client_secret: client.secret_hash } : {}),
    token_endpoint_auth_method: client.type === 'confidential' ? 'client_secret_basic' : 'none',
    grant_types: client.grant_types,
    response_types: signsIn ? ['code'] : [],
    redirect_uris: client.redirect_uris,
    scope: [...oidcScopes, ...client.scopes].join(' '),
  };
}

/** Clients come from the administrators' table (oauth_clients), read-only for the provider. */
export class ClientAdapter implements Adapter {
  constructor(private readonly db: Kysely<DB>) {}

  async find(id: string): Promise<AdapterPayload | undefined> {
    const client = await findClient(this.db, id);
    return client ? clientMetadata(client) : undefined;
  }

  async upsert(): Promise<void> {
    throw new Error('Clients are registered by administrators, not through the provider.');
  }
  async destroy(): Promise<void> {
    throw new Error('Clients are deleted by administrators, not through the provider.');
  }
  findByUid = async () => undefined;
  findByUserCode = async () => undefined;
  consume = async () => undefined;
  revokeByGrantId = async () => undefined;
}
