import { defaultClient, load } from './load.js';
import { startListening } from './processes.js';

/**
 * Where /health's cost goes: bare Fastify, then each piece Switchboard adds, against node:http.
 * Usage: tsx bench/fastify-variants.ts [variant …]   (a variant is a comma-separated list of pieces)
 */
const client = defaultClient();
const variants =
  process.argv.length > 2
    ? process.argv.slice(2)
    : [
        'none',
        'logger',
        'logger,lazy',
        'logger,lazy,reqid',
        'logger,lazy,api',
        'logger,lazy,reqid,api',
        'logger,lazy,reqid,api,cors',
        'logger,lazy,reqid,api,compress,onresponse',
      ];
const hello = await startListening(process.execPath, ['--import', 'tsx', 'bench/hello-server.ts'], {});
const ceiling = (await load('node:http', `${hello.baseUrl}/`, { connections: 50, seconds: 10, client }))
  .requestsPerSecond;
await hello.stop();
console.log(
  `| variant (${client}) | req/s | % of node:http |\n|---|---:|---:|\n| node:http hello | ${ceiling} | 100 % |`,
);
for (const variant of variants) {
  const server = await startListening(
    process.execPath,
    ['--import', 'tsx', 'bench/fastify-variants-server.ts', variant],
    {},
  );
  const result = await load(variant, `${server.baseUrl}/health`, { connections: 50, seconds: 10, client });
  await server.stop();
  console.log(
    `| fastify + ${variant} | ${result.requestsPerSecond} | ${Math.round((result.requestsPerSecond / ceiling) * 100)} % |`,
  );
}
