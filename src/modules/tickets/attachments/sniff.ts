import { fileTypeFromBuffer } from 'file-type';

/** Raster images a browser may show in the page; everything else is only ever downloaded. */
const INLINE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
export const servedInline = (contentType: string): boolean => INLINE.has(contentType);

/**
 * The byte patterns a browser takes for HTML at the start of a resource (WHATWG MIME Sniffing
 * §7.1, "identifying a resource with an unknown MIME type"): a tag name ended by space or `>`.
 */
const HTML_START =
  /^(?:<!doctype html|<html|<head|<script|<iframe|<h1|<div|<font|<table|<a|<style|<title|<b|<body|<br|<p|<!--)[\s>]/i;
const SVG = /<svg[\s>]/i;

function utf8(data: Buffer): string | undefined {
  if (data.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return undefined;
  }
}

/**
 * The content type from the bytes, never from the name or the Content-Type the client sent.
 * Binary formats by their signatures (file-type); text as HTML, SVG, XML or plain text; anything
 * else is opaque.
 */
export async function sniffContentType(data: Buffer): Promise<string> {
  const binary = await fileTypeFromBuffer(data);
  if (binary && binary.mime !== 'application/xml') return binary.mime;
  const text = utf8(data);
  if (text === undefined) return binary?.mime ?? 'application/octet-stream';
  const head = text
    .slice(0, 4096)
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (SVG.test(head)) return 'image/svg+xml';
  if (HTML_START.test(head)) return 'text/html';
  if (binary) return binary.mime;
  return 'text/plain';
}

/** Control and format characters (zero-width, bidirectional overrides, BOM), and quotes. */
const STRIP = /[\p{Cc}\p{Cf}"]/gu;

/** A name safe to show and to offer for saving: no folders, control or direction characters, ≤ 200 characters. */
export function displayName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  const clean = base.normalize('NFC').replace(STRIP, '').replace(/\s+/g, ' ').trim().replace(/^\.+/, '');
  const chars = Array.from(clean);
  if (chars.length <= 200) return clean || 'file';
  const dot = clean.lastIndexOf('.');
  const ext = dot > 0 ? Array.from(clean.slice(dot)).slice(0, 16) : [];
  return chars.slice(0, 200 - ext.length).join('') + ext.join('');
}

/** `Content-Disposition` with an ASCII fallback and the exact name per RFC 6266 §4.3 / RFC 8187. */
export function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const exact = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${exact}`;
}
