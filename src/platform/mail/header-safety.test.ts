import { describe, expect, it } from 'vitest';
import { headerSafe, UnsafeRecipient } from './header-safety.js';
import type { OutgoingMail } from './port.js';

const mail: OutgoingMail = {
  to: 'ada@example.com',
  from: 'Switchboard <help@acme.test>',
  subject: 'Your ticket',
  text: 'T',
  html: '<p>H</p>',
  idempotencyKey: 'k',
};

describe('headers of outgoing mail', () => {
  it('turns line breaks in the subject and extra headers into spaces', () => {
    const safe = headerSafe({
      ...mail,
      subject: '[SB-1] Help\r\nBcc: victim@evil.example',
      headers: { 'X-Ticket': 'SB-1\nBcc: victim@evil.example', 'Auto-Submitted': 'auto-generated' },
    });
    expect(safe.subject).toBe('[SB-1] Help Bcc: victim@evil.example');
    expect(safe.headers).toEqual({
      'X-Ticket': 'SB-1 Bcc: victim@evil.example',
      'Auto-Submitted': 'auto-generated',
    });
  });

  it('keeps only well-formed ids in Message-ID, In-Reply-To and References', () => {
    const safe = headerSafe({
      ...mail,
      messageId: '<a@x>\r\nBcc: victim@evil.example',
      headers: {
        'In-Reply-To': '<id\r\nBcc: victim@evil.example>',
        References: '<one@x> <two\r\nBcc: v@evil.example> <three@x>',
      },
    });
    expect(safe.messageId).toBeUndefined();
    expect(safe.headers).toEqual({ References: '<one@x> <three@x>' });
    expect(headerSafe({ ...mail, messageId: '<ok@acme.test>' }).messageId).toBe('<ok@acme.test>');
  });

  it('drops extra headers that would name recipients or have no valid name', () => {
    const safe = headerSafe({
      ...mail,
      headers: { Bcc: 'victim@evil.example', 'X-Bad\r\nBcc': 'v@evil.example', 'X-Good': 'yes' },
    });
    expect(safe.headers).toEqual({ 'X-Good': 'yes' });
  });

  it('refuses a recipient or Reply-To that is not one address on one line', () => {
    expect(() => headerSafe({ ...mail, to: 'ada@example.com\r\nBcc: v@evil.example' })).toThrow(
      UnsafeRecipient,
    );
    expect(() => headerSafe({ ...mail, to: 'ada@example.com, v@evil.example' })).toThrow(UnsafeRecipient);
    expect(() => headerSafe({ ...mail, replyTo: 'a@acme.test\nCc: v@evil.example' })).toThrow(
      UnsafeRecipient,
    );
  });
});
