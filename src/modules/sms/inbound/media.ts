import type { SmsNumberProvider } from '../../../platform/sms/numbers.js';
import type { UploadedFile } from '../../tickets/index.js';
import type { SmsMedia } from '../table.js';

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'audio/mpeg': 'mp3',
  'audio/amr': 'amr',
  'text/vcard': 'vcf',
  'text/plain': 'txt',
  'application/pdf': 'pdf',
};

/**
 * Fetches a text's media from the provider (which refuses any URL off its own media host, and
 * anything past `maxBytes`) as ticket files; what could not be fetched is named in the note
 * beside the text, so the agent knows to ask for it another way.
 */
export async function fetchMedia(
  provider: SmsNumberProvider | null,
  media: readonly SmsMedia[],
  maxBytes: number,
): Promise<{ files: UploadedFile[]; missed: number }> {
  const files: UploadedFile[] = [];
  let missed = 0;
  for (const [i, item] of media.entries()) {
    if (!provider) {
      missed++;
      continue;
    }
    try {
      const { contentType, data } = await provider.fetchMedia(item.url, maxBytes);
      files.push({ filename: `mms-${i + 1}.${EXTENSIONS[contentType] ?? 'bin'}`, data });
    } catch {
      missed++;
    }
  }
  return { files, missed };
}
