import type { FastifyBaseLogger } from 'fastify';
import { type Bindings, type ChildLoggerOptions, type Logger, levels } from 'pino';

type Method = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * A request logger that creates its pino child only when something is actually written. Fastify
 * makes a child per request; most requests to hot routes (probes, cached reads) log nothing at the
 * configured level, and building the child cost ~17 % of /health's throughput (bench/README.md).
 */
class LazyChildLogger {
  private created: Logger | undefined;
  private readonly threshold: number;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {
    const level = this.level;
    this.threshold = level === 'silent' ? Number.POSITIVE_INFINITY : (levels.values[level] ?? 0);
  }

  get level(): string {
    return this.options.level ?? this.parent.level;
  }

  private real(): Logger {
    this.created ??= this.parent.child(this.bindings, this.options);
    return this.created;
  }

  private write(method: Method, args: unknown[]): void {
    if ((levels.values[method] ?? 0) < this.threshold) return;
    (this.real()[method] as (...a: unknown[]) => void)(...args);
  }

  fatal(...args: unknown[]) {
    this.write('fatal', args);
  }
  error(...args: unknown[]) {
    this.write('error', args);
  }
  warn(...args: unknown[]) {
    this.write('warn', args);
  }
  info(...args: unknown[]) {
    this.write('info', args);
  }
  debug(...args: unknown[]) {
    this.write('debug', args);
  }
  trace(...args: unknown[]) {
    this.write('trace', args);
  }
  silent() {}

  child(bindings: Bindings, options?: ChildLoggerOptions): Logger {
    return this.real().child(bindings, options);
  }
}

/** Fastify's `childLoggerFactory` option. */
export function lazyChildLoggerFactory(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  return new LazyChildLogger(logger as unknown as Logger, bindings, options) as unknown as FastifyBaseLogger;
}
