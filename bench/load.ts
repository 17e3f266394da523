import autocannon from 'autocannon';

export interface LoadResult {
  target: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** Drives `url` with autocannon for `seconds` at `connections` and returns the headline figures. */
export async function load(
  target: string,
  url: string,
  options: { connections: number; seconds: number },
): Promise<LoadResult> {
  // A short warm-up so JIT and connection pools are settled before measuring.
  await autocannon({ url, connections: options.connections, duration: 2 });
  const result = await autocannon({ url, connections: options.connections, duration: options.seconds });
  return {
    target,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}
