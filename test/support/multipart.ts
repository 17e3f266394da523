export type Part =
  | { name: string; value: string }
  | { name: string; filename: string; data: Buffer; type?: string };

/** A multipart/form-data body as a browser sends it. */
export function form(parts: Part[]) {
  const boundary = `----sbtest${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const file = 'filename' in part;
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${file ? `; filename="${part.filename}"` : ''}\r\n` +
          (file ? `Content-Type: ${part.type ?? 'application/octet-stream'}\r\n` : '') +
          '\r\n',
      ),
      file ? part.data : Buffer.from(part.value),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}
