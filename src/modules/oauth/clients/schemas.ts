import Type from 'typebox';
import { API_SCOPES } from '../scopes.js';
import type { ClientRow } from './repo.js';

const GrantType = Type.Union([
  Type.Literal('authorization_code'),
  Type.Literal('refresh_token'),
  Type.Literal('client_credentials'),
]);
const Scope = Type.String({ maxLength: 64, description: `One of ${Object.keys(API_SCOPES).join(', ')}` });

export const OauthClient = Type.Object(
  {
    clientId: Type.String(),
    name: Type.String(),
    type: Type.Union([Type.Literal('public'), Type.Literal('confidential')]),
    redirectUris: Type.Array(Type.String()),
    grantTypes: Type.Array(GrantType),
    scopes: Type.Array(Type.String()),
    secretRotatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'OauthClient' },
);

export const OauthClientWithSecret = Type.Object({
  client: OauthClient,
  clientSecret: Type.Union([Type.String(), Type.Null()], {
    description: 'Shown this once (confidential clients); only a hash is kept. null for public clients.',
  }),
});

const editable = {
  name: Type.String({ minLength: 1, maxLength: 100, examples: ['Nightly export'] }),
  redirectUris: Type.Array(Type.String({ maxLength: 2000 }), {
    maxItems: 20,
    default: [],
    description: 'Exact match, character for character',
    examples: [['https://app.example.com/callback']],
  }),
  grantTypes: Type.Array(GrantType, { minItems: 1, maxItems: 3, examples: [['client_credentials']] }),
  scopes: Type.Array(Scope, { maxItems: 20, examples: [['tickets:read']] }),
};

export const NewOauthClient = Type.Object({
  ...editable,
  type: Type.Union([Type.Literal('public'), Type.Literal('confidential')]),
});
export const OauthClientChanges = Type.Object(editable);
export const ClientIdParams = Type.Object({ clientId: Type.String({ maxLength: 64 }) });

export const presentClient = (client: ClientRow) => ({
  clientId: client.client_id,
  name: client.name,
  type: client.type,
  redirectUris: client.redirect_uris,
  grantTypes: client.grant_types,
  scopes: client.scopes,
  secretRotatedAt: client.secret_rotated_at?.toISOString() ?? null,
  createdAt: client.created_at.toISOString(),
});
