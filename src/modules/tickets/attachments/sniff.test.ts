import { describe, expect, it } from 'vitest';
import { contentDisposition, displayName, servedInline, sniffContentType } from './sniff.js';

const bytes = (...values: number[]) => Buffer.from(values);

describe('content sniffing', () => {
  it.each([
    [
      'PNG',
      bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52),
      'image/png',
    ],
    ['JPEG', bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0), 'image/jpeg'],
    ['GIF', Buffer.from('GIF89a\x01\x00\x01\x00'), 'image/gif'],
    ['PDF', Buffer.from('%PDF-1.7\n%âãÏÓ\n'), 'application/pdf'],
    ['HTML', Buffer.from('\n  <!DOCTYPE html><p>hi'), 'text/html'],
    ['HTML by its first tag', Buffer.from('<script>alert(1)</script>'), 'text/html'],
    ['SVG', Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/svg+xml'],
    ['XML', Buffer.from('<?xml version="1.0"?><note/>'), 'application/xml'],
    ['UTF-8 text', Buffer.from('Grüße, 你好\n'), 'text/plain'],
    ['binary', bytes(0x00, 0x9f, 0x92, 0x96, 0xff), 'application/octet-stream'],
  ])('%s', async (_name, data, type) => {
    expect(await sniffContentType(data)).toBe(type);
  });

  it('shows only raster images inline', () => {
    expect(['image/png', 'image/jpeg', 'image/gif', 'image/webp'].every(servedInline)).toBe(true);
    expect(['image/svg+xml', 'text/html', 'application/pdf', 'text/plain'].some(servedInline)).toBe(false);
  });
});

describe('file names', () => {
  it('keeps the name, drops folders, control and direction characters', () => {
    expect(displayName('C:\\Users\\me\\report.pdf')).toBe('report.pdf');
    expect(displayName('../../etc/passwd')).toBe('passwd');
    expect(displayName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(displayName('a\u0000b\r\n"c".txt')).toBe('abc.txt');
    expect(displayName('...hidden')).toBe('hidden');
    expect(displayName('')).toBe('file');
    const long = displayName(`${'x'.repeat(300)}.docx`);
    expect(long).toHaveLength(200);
    expect(long.endsWith('.docx')).toBe(true);
  });

  it('offers the exact name per RFC 8187 with an ASCII fallback', () => {
    expect(contentDisposition('attachment', 'Übersicht (1).pdf')).toBe(
      `attachment; filename="_bersicht (1).pdf"; filename*=UTF-8''%C3%9Cbersicht%20%281%29.pdf`,
    );
  });
});
