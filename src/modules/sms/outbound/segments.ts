import { SegmentedMessage } from 'sms-segments-calculator';

export interface Segments {
  /** GSM-7 fits 160 characters in one text (153 a part when split); UCS-2 only 70 (67). */
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
  characters: number;
}

/**
 * A text as the customer's phone will count it (3GPP TS 23.038): one character outside the GSM-7
 * alphabet, an emoji say, sends the whole text as UCS-2, so 160 characters become 70.
 */
export function countSegments(body: string): Segments {
  const message = new SegmentedMessage(body);
  return {
    encoding: message.encodingName === 'UCS-2' ? 'UCS-2' : 'GSM-7',
    segments: message.segmentsCount,
    characters: message.numberOfCharacters,
  };
}
