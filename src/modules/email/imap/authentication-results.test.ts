import { describe, expect, it } from 'vitest';
import { parseAuthenticationResults, trustedDmarcFailure } from './authentication-results.js';

const mail = (...headers: string[]) =>
  Buffer.from(`${[...headers, 'From: a@b.example', 'Subject: hi'].join('\r\n')}\r\n\r\nBody\r\n`);

describe('Authentication-Results of a polled mail', () => {
  it('reads the trusted provider’s dmarc=fail with spf and dkim, comments and folding ignored', () => {
    const raw = mail(
      'Authentication-Results: mx.google.com;',
      '       dkim=fail header.i=@bank.example header.s=s1 (signature did not verify);',
      '       spf=softfail (google.com: domain of x@bank.example does not designate 1.2.3.4; dmarc=pass) smtp.mailfrom=x@bank.example;',
      '       dmarc=fail (p=REJECT sp=REJECT dis=REJECT) header.from=bank.example',
    );
    expect(trustedDmarcFailure(raw, 'MX.Google.com')).toEqual({
      dmarc: { status: { result: 'fail' } },
      spf: { status: { result: 'softfail' } },
      dkim: { results: [{ status: { result: 'fail' } }] },
    });
  });

  it('ignores the same verdict from an authserv-id that is not trusted, or when none is trusted', () => {
    const raw = mail('Authentication-Results: evil.example; dmarc=fail header.from=bank.example');
    expect(trustedDmarcFailure(raw, 'mx.google.com')).toBeNull();
    expect(trustedDmarcFailure(raw, null)).toBeNull();
    expect(trustedDmarcFailure(raw, '  ')).toBeNull();
  });

  it('believes only the topmost header of the trusted id, not one the sender put further down', () => {
    const raw = mail(
      'Authentication-Results: mx.google.com; spf=pass smtp.mailfrom=bank.example; dmarc=pass header.from=bank.example',
      'Received: from somewhere',
      'Authentication-Results: mx.google.com; dmarc=fail header.from=bank.example',
    );
    expect(trustedDmarcFailure(raw, 'mx.google.com')).toBeNull();
  });

  it('takes a version number after the authserv-id, and finds nothing in the body', () => {
    expect(
      trustedDmarcFailure(mail('Authentication-Results: mx.example 1; dmarc=fail'), 'mx.example')?.dmarc,
    ).toEqual({ status: { result: 'fail' } });
    const quoted = Buffer.from('From: a@b.example\r\n\r\nAuthentication-Results: mx.example; dmarc=fail\r\n');
    expect(trustedDmarcFailure(quoted, 'mx.example')).toBeNull();
  });

  it('treats a header without authserv-id (Exchange Online’s) as nobody’s', () => {
    expect(
      parseAuthenticationResults(' spf=pass smtp.mailfrom=x; dmarc=fail action=none').authservId,
    ).toBeNull();
    expect(parseAuthenticationResults(' spf=pass smtp.mailfrom=x; dmarc=fail').results.get('dmarc')).toEqual([
      'fail',
    ]);
    expect(
      trustedDmarcFailure(mail('Authentication-Results: dmarc=fail header.from=x'), 'dmarc=fail'),
    ).toBeNull();
  });

  it('answers null for dmarc=none or no dmarc at all', () => {
    expect(
      trustedDmarcFailure(mail('Authentication-Results: mx.example; dmarc=none'), 'mx.example'),
    ).toBeNull();
    expect(trustedDmarcFailure(mail('Authentication-Results: mx.example; none'), 'mx.example')).toBeNull();
  });
});
