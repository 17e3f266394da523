import http from 'node:http';
import type { FastifyServerFactory } from 'fastify';
import { requestIdFor } from './request-id.js';
import { apiHeaders } from './security-headers.js';

const BODY = JSON.stringify({ status: 'ok' });

interface ServerSettings {
  http?: http.ServerOptions;
  keepAliveTimeout?: number;
  requestTimeout?: number;
  connectionTimeout?: number;
  maxRequestsPerSocket?: number;
}

/** Answers a request before Fastify, or returns false having sent nothing. */
export type EarlyAnswer = (request: http.IncomingMessage, response: http.ServerResponse) => boolean;

/**
 * The HTTP server Fastify runs on, answering `GET /health` itself, before Fastify's routing and
 * hooks, and whatever `answerFirst` is given (kept public pages, web/kept-pages-front.ts). A load
 * balancer asks for `/health` several times a second and it has nothing to look up: the answer,
 * its security headers and its request id are the same as the Fastify route's (which stays, for
 * HEAD, `inject` and the API document), at the cost of a bare node:http reply. While the
 * app closes, the probe goes through Fastify, which answers 503, so a balancer stops sending.
 * The rest is created as Fastify creates its own HTTP/1.1 server (timeouts, requests per socket).
 */
export function frontServer(options: { https: boolean }): {
  factory: FastifyServerFactory;
  closing(): void;
  answerFirst(answer: EarlyAnswer): void;
} {
  // A flat [name, value, …] list: Node writes it as it is, where an object (or a copy of one made
  // per request) costs a fifth of this answer's throughput (bench/README.md).
  const headers = Object.entries({
    ...apiHeaders(options.https),
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(BODY)),
  }).flat();
  let open = true;
  let early: EarlyAnswer | undefined;
  const factory: FastifyServerFactory = (handler, options) => {
    // Fastify hands over its whole options object; these are the ones its own server takes.
    const settings = options as unknown as ServerSettings;
    const server = http.createServer(settings.http ?? {}, (request, response) => {
      if (open && request.url === '/health' && request.method === 'GET') {
        const answer = headers.slice();
        answer.push('x-request-id', requestIdFor(request));
        response.writeHead(200, answer);
        response.end(BODY);
        return;
      }
      if (open && early?.(request, response)) return;
      handler(request, response);
    });
    if (settings.keepAliveTimeout !== undefined) server.keepAliveTimeout = settings.keepAliveTimeout;
    if (settings.requestTimeout !== undefined) server.requestTimeout = settings.requestTimeout;
    server.setTimeout(settings.connectionTimeout ?? 0);
    if ((settings.maxRequestsPerSocket ?? 0) > 0)
      server.maxRequestsPerSocket = settings.maxRequestsPerSocket!;
    return server;
  };
  return {
    factory,
    closing: () => {
      open = false;
    },
    answerFirst: (answer) => {
      early = answer;
    },
  };
}
