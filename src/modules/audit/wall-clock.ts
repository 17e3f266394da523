/**
 * The audit page's date filters: a date picker gives wall-clock time without a zone, which the
 * viewer means in their own zone (the profile's, else the browser's).
 */

/** How far `zone` is ahead of UTC at `at`, in milliseconds. */
function offsetOf(at: number, zone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const wall = Date.UTC(
    +parts.year!,
    +parts.month! - 1,
    +parts.day!,
    +parts.hour!,
    +parts.minute!,
    +parts.second!,
  );
  return wall - Math.floor(at / 1000) * 1000;
}

/** A date picker's `2026-03-29T02:30` read in the viewer's zone, as an ISO instant. */
export function asDate(value: string | undefined, zone: string): string | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return undefined;
  const wall = Date.parse(`${value}Z`);
  if (Number.isNaN(wall)) return undefined;
  const guess = wall - offsetOf(wall, zone);
  return new Date(wall - offsetOf(guess, zone)).toISOString();
}
