/**
 * The database's table types. Each feature adds its own tables by declaration merging from its
 * `table.ts`, so the platform never imports feature code:
 *
 *   declare module './schema.js' { interface DB { tickets: TicketsTable } }
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by declaration merging
export interface DB {}
