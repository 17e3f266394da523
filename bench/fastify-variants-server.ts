import compress from '@fastify/compress';
import cors from '@fastify/cors';
import Fastify from 'fastify';
import { pino } from 'pino';
import { requestIdFor } from '../src/platform/http/request-id.js';
import { apiHeaders } from '../src/platform/http/security-headers.js';
import { lazyChildLoggerFactory } from '../src/platform/logging/lazy-child.js';

/** A Fastify server with only the named pieces of Switchboard's stack (comma-separated argv[2]). */
const pieces = new Set((process.argv[2] ?? 'none').split(','));
const headers = apiHeaders(false);
const app = Fastify({
  ...(pieces.has('logger') ? { loggerInstance: pino({ level: 'info' }, pino.destination('/dev/null')) } : {}),
  ...(pieces.has('reqid') ? { genReqId: requestIdFor } : {}),
  ...(pieces.has('lazy') ? { childLoggerFactory: lazyChildLoggerFactory } : {}),
});
if (pieces.has('api')) {
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(headers);
    reply.header('x-request-id', request.id);
    done();
  });
}
if (pieces.has('cors')) await app.register(cors, { origin: false });
if (pieces.has('compress')) await app.register(compress, { threshold: 1024, global: true });
if (pieces.has('onresponse')) {
  app.addHook('onResponse', (request, _reply, done) => {
    request.log.info({ url: request.url }, 'request');
    done();
  });
}
const Health = { type: 'object', properties: { status: { type: 'string' } } } as const;
app.get('/health', { logLevel: 'silent', schema: { response: { 200: Health } } }, async () => ({
  status: 'ok',
}));
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
console.log(
  `Server listening at http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
);
