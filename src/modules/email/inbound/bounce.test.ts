import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { bounceOf, undelivered } from './bounce.js';

/** Test messages are written with \n for legibility and sent with CRLF, as on the wire. */
const parse = (raw: string, keepDeliveryStatus = true) =>
  simpleParser(Buffer.from(raw.replace(/\r?\n/g, '\r\n')), { keepDeliveryStatus });

const POSTFIX_BOUNCE = `Return-Path: <>
Date: Fri,  1 Mar 2024 10:15:02 +0000 (UTC)
From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: support@example.com
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="9B0A1C0E2F.1709288102/mx.example.net"
Message-Id: <20240301101502.3C1D2E3F4A@mx.example.net>

This is a MIME-encapsulated message.

--9B0A1C0E2F.1709288102/mx.example.net
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example.net.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<nobody@example.org>: host mx.example.org[192.0.2.25] said: 550 5.1.1
    <nobody@example.org>: Recipient address rejected: User unknown (in reply
    to RCPT TO command)

--9B0A1C0E2F.1709288102/mx.example.net
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net
X-Postfix-Queue-ID: 9B0A1C0E2F
X-Postfix-Sender: rfc822; support@example.com
Arrival-Date: Fri,  1 Mar 2024 10:15:00 +0000 (UTC)

Final-Recipient: rfc822; nobody@example.org
Original-Recipient: rfc822;nobody@example.org
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.org
Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.org>: Recipient address
    rejected: User unknown

--9B0A1C0E2F.1709288102/mx.example.net
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

Return-Path: <support@example.com>
From: Example Support <support@example.com>
To: nobody@example.org
Subject: [SB-10423] Printer on fire
Message-ID: <sb.10423.7f3a@example.com>
In-Reply-To: <customer.1@example.org>

--9B0A1C0E2F.1709288102/mx.example.net--
`;

const GMAIL_BOUNCE = `From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: support@example.com
Auto-Submitted: auto-replied
Subject: Delivery Status Notification (Failure)
References: <sb.2.aa@example.com>
In-Reply-To: <sb.2.aa@example.com>
X-Failed-Recipients: ghost@example.org
Message-ID: <65e1a3b2.x@mx.google.com>
Content-Type: multipart/report; boundary="000000000000b1"; report-type=delivery-status

--000000000000b1
Content-Type: multipart/related; boundary="000000000000b2"

--000000000000b2
Content-Type: multipart/alternative; boundary="000000000000b3"

--000000000000b3
Content-Type: text/plain; charset="UTF-8"

** Address not found **

Your message wasn't delivered to ghost@example.org because the address couldn't be found.

--000000000000b3
Content-Type: text/html; charset="UTF-8"

<p><b>Address not found</b></p>

--000000000000b3--
--000000000000b2--
--000000000000b1
Content-Type: message/delivery-status

Reporting-MTA: dns; googlemail.com
Received-From-MTA: dns; support@example.com
Arrival-Date: Fri, 01 Mar 2024 02:15:00 -0800 (PST)

Final-Recipient: rfc822; ghost@example.org
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.org. (192.0.2.25, the server for the domain example.org.)
Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does not exist.
Last-Attempt-Date: Fri, 01 Mar 2024 02:15:01 -0800 (PST)

--000000000000b1
Content-Type: message/rfc822

From: Example Support <support@example.com>
To: ghost@example.org
Subject: [SB-10424] Invoice question
Message-ID: <sb.10424.c0de@example.com>
Content-Type: text/plain

Hello, about your invoice.

--000000000000b1--
`;

/** Two recipients in one report, one still queued. Exchange marks the returned message inline. */
const delayedBounce = (returned: 'inline' | 'absent') => `From: postmaster@outlook.example
To: support@example.com
Subject: Delivery delayed: Your order
In-Reply-To: <sb.3.bb@example.com>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=Delivery-Status; boundary="b1"

--b1
Content-Type: text/plain

Delivery is delayed to these recipients or groups: slow@example.org

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns;AM0PR01MB0001.eurprd01.prod.outlook.example
Received-From-MTA: dns;mail.example.com

Final-Recipient: rfc822;slow@example.org
Action: delayed
Status: 4.4.7
Will-Retry-Until: Sat, 2 Mar 2024 10:15:00 +0000
X-Display-Name: Slow Reader

Final-Recipient: rfc822;<fast@example.org>
Action: delivered
Status: 2.0.0
${
  returned === 'inline'
    ? `
--b1
Content-Type: message/rfc822
Content-Disposition: inline

From: support@example.com
To: slow@example.org, fast@example.org
Subject: Your order
Message-ID: <sb.3.cc@example.com>

Your order shipped.
`
    : ''
}
--b1--
`;

describe('bounceOf: RFC 3464 delivery status notifications', () => {
  it('reads a Postfix bounce, the original Message-ID coming from its text/rfc822-headers part', async () => {
    const expected = {
      originalMessageId: '<sb.10423.7f3a@example.com>',
      recipients: [
        {
          address: 'nobody@example.org',
          action: 'failed',
          status: '5.1.1',
          diagnostic: '550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown',
        },
      ],
    };
    expect(bounceOf(await parse(POSTFIX_BOUNCE))).toEqual(expected);
    // Parsed without keepDeliveryStatus, the report is part of mail.text and read from there.
    expect(bounceOf(await parse(POSTFIX_BOUNCE, false))).toEqual(expected);
  });

  it('reads a Gmail bounce, the original Message-ID coming from the returned message/rfc822', async () => {
    const bounce = bounceOf(await parse(GMAIL_BOUNCE));
    // Not the report's own In-Reply-To: the returned message is the better witness.
    expect(bounce?.originalMessageId).toBe('<sb.10424.c0de@example.com>');
    expect(bounce?.recipients).toEqual([
      {
        address: 'ghost@example.org',
        action: 'failed',
        status: '5.1.1',
        diagnostic: '550-5.1.1 The email account that you tried to reach does not exist.',
      },
    ]);
  });

  it('reports every recipient with its action, so a delay or a delivery is not taken for a failure', async () => {
    const bounce = bounceOf(await parse(delayedBounce('inline')));
    expect(bounce?.recipients).toEqual([
      { address: 'slow@example.org', action: 'delayed', status: '4.4.7', diagnostic: null },
      { address: 'fast@example.org', action: 'delivered', status: '2.0.0', diagnostic: null },
    ]);
    expect(bounce?.recipients.some(undelivered)).toBe(false);
  });

  it("falls back to the report's In-Reply-To when mailparser folded an inline returned message into the text", async () => {
    const inline = await parse(delayedBounce('inline'));
    expect(inline.attachments.map((part) => part.contentType)).not.toContain('message/rfc822');
    expect(bounceOf(inline)?.originalMessageId).toBe('<sb.3.bb@example.com>');
  });

  it('says it cannot tell the original message rather than guess', async () => {
    const raw = delayedBounce('absent').replace('In-Reply-To: <sb.3.bb@example.com>\n', '');
    const bounce = bounceOf(await parse(raw));
    expect(bounce?.originalMessageId).toBeNull();
    expect(bounce?.recipients).toHaveLength(2);
  });

  it('keeps a long diagnostic to 1000 characters', async () => {
    const raw = POSTFIX_BOUNCE.replace(
      '\n    rejected: User unknown\n',
      `\n    rejected: ${'x'.repeat(5000)}\n`,
    );
    const diagnostic = bounceOf(await parse(raw))?.recipients[0]?.diagnostic;
    expect(diagnostic).toHaveLength(1000);
    expect(diagnostic?.startsWith('550 5.1.1 <nobody@example.org>')).toBe(true);
  });
});

describe('bounceOf: what is not a delivery status notification', () => {
  it('recognises an old plain-text bounce only by X-Failed-Recipients, without a status', async () => {
    const raw = `Return-path: <>
From: Mail Delivery System <Mailer-Daemon@mail.example.net>
To: support@example.com
Subject: Mail delivery failed: returning message to sender
X-Failed-Recipients: gone@example.org,
 <also-gone@example.org>

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error.
`;
    expect(bounceOf(await parse(raw))).toEqual({
      originalMessageId: null,
      recipients: [
        { address: 'gone@example.org', action: 'failed', status: '', diagnostic: null },
        { address: 'also-gone@example.org', action: 'failed', status: '', diagnostic: null },
      ],
    });
  });

  it('returns null for a read receipt, which is a report but not about delivery', async () => {
    const raw = `From: ada@example.org
To: support@example.com
Subject: Read: [SB-10423] Printer on fire
Content-Type: multipart/report; report-type=disposition-notification; boundary="r"

--r
Content-Type: text/plain

Your message was read.

--r
Content-Type: message/disposition-notification

Final-Recipient: rfc822; ada@example.org
Original-Message-ID: <sb.10423.7f3a@example.com>
Disposition: manual-action/MDN-sent-manually; displayed

--r--
`;
    expect(bounceOf(await parse(raw))).toBeNull();
  });

  it('returns null for a person writing, even one quoting report fields', async () => {
    const raw = `From: Ada <ada@example.org>
To: support@example.com
Subject: Re: [SB-10423] Printer on fire
In-Reply-To: <sb.10423.7f3a@example.com>
Auto-Submitted: no
Content-Type: text/plain

My colleague got this back:

Final-Recipient: rfc822; nobody@example.org
Action: failed
Status: 5.1.1
`;
    expect(bounceOf(await parse(raw))).toBeNull();
    expect(bounceOf(await parse(raw, false))).toBeNull();
  });
});

describe('undelivered', () => {
  const recipient = { address: 'a@example.org', diagnostic: null };
  it.each([
    ['failed', '5.1.1', true],
    // A temporary cause that outlasted the retry period is still a message that never arrived.
    ['failed', '4.4.1', true],
    ['delayed', '4.4.7', false],
    ['delivered', '2.0.0', false],
    ['relayed', '2.0.0', false],
    ['', '5.2.2', true],
    ['', '4.2.2', false],
  ])('action %j with status %j → %s', (action, status, expected) => {
    expect(undelivered({ ...recipient, action, status })).toBe(expected);
  });
});
