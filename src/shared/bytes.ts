/** A size as people read it, in binary units (IEC 80000-13): 512 bytes, 4 KiB, 10 MiB. */
export function formatBytes(bytes: number): string {
  const round = (n: number) => String(Math.round(n * 10) / 10);
  if (bytes >= 1048576) return `${round(bytes / 1048576)} MiB`;
  if (bytes >= 1024) return `${round(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}
