import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * One registry per app instance (not prom-client's global one), so tests can build several apps in
 * one process. Collectors that need I/O run at scrape time, never on the request path.
 */
export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  cacheHits: Counter;
  cacheMisses: Counter;
  jobRuns: Counter<'queue' | 'outcome'>;
  /** A gauge whose value is read from `collect` each time /metrics is scraped. */
  gauge(
    name: string,
    help: string,
    labels: string[],
    collect: (set: (labels: Record<string, string>, value: number) => void) => Promise<void> | void,
  ): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'switchboard_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'switchboard_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    cacheHits: new Counter({
      name: 'switchboard_cache_hits_total',
      help: 'Cache lookups that found a value',
      registers: [registry],
    }),
    cacheMisses: new Counter({
      name: 'switchboard_cache_misses_total',
      help: 'Cache lookups that found nothing',
      registers: [registry],
    }),
    jobRuns: new Counter({
      name: 'switchboard_job_runs_total',
      help: 'Job runs by queue and outcome (completed, failed, skipped)',
      labelNames: ['queue', 'outcome'],
      registers: [registry],
    }),
    gauge(name, help, labels, collect) {
      // A second app built on the same platform (a test, a reload) brings the same gauge again:
      // the newer one reads the same data, so it takes the old one's place.
      registry.removeSingleMetric(name);
      new Gauge({
        name,
        help,
        labelNames: labels,
        registers: [registry],
        async collect() {
          this.reset();
          await collect((l, v) => this.set(l, v));
        },
      });
    },
  };
}
