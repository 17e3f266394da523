import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyContextConfig, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const SWAGGER_UI_CSP = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/** OpenAPI 3.1 generated from the route schemas; served at /api/openapi.json, Swagger UI at /api/docs. */
export const openapiPlugin = fp(
  async (
    app: FastifyInstance,
    options: {
      publicUrl: string;
      version: string;
      /** `components.securitySchemes`, and each route's `security` from its route config. */
      securitySchemes?: Record<string, unknown>;
      securityOf?: (config: FastifyContextConfig) => Record<string, string[]>[];
    },
  ) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Switchboard API',
          version: options.version,
          description:
            'Multi-channel support desk. Errors are RFC 9457 problem details (`application/problem+json`).',
          license: { name: 'MIT', identifier: 'MIT' },
        },
        servers: [{ url: options.publicUrl }],
        ...(options.securitySchemes
          ? { components: { securitySchemes: options.securitySchemes as never } }
          : {}),
        tags: [
          { name: 'system', description: 'Health and instance information' },
          { name: 'auth', description: 'Accounts, sign-in, sessions and two-factor authentication' },
          { name: 'oauth', description: 'OAuth 2.0 and OpenID Connect: keys and tokens' },
          { name: 'tickets', description: 'Tickets, their threads, timelines and time logs' },
          { name: 'admin', description: 'Administration: users, roles, audit log and the dev outbox' },
        ],
      },
      // Only the JSON API and probes are documented; pages and static files are not API.
      hideUntagged: true,
      transform: ({ schema, url, route }) => {
        const security = options.securityOf?.(route.config ?? {});
        return { schema: security ? { ...schema, security } : schema, url } as never;
      },
    });
    await app.register(swaggerUi, {
      routePrefix: '/api/docs',
      // Swagger UI (React) sets style attributes at run time, so this page alone allows inline
      // styles; scripts stay 'self'-only as everywhere else.
      staticCSP: SWAGGER_UI_CSP,
      logLevel: 'warn',
    });
    app.get(
      '/api/openapi.json',
      { config: { access: 'public' }, schema: { hide: true }, logLevel: 'warn' },
      async () => app.swagger(),
    );
  },
  { name: 'openapi' },
);
