import { describe, expect, it } from 'vitest';
import { newReplyText } from './reply-text.js';

/** Lines as a mail program sends them: CRLF. */
const crlf = (...lines: string[]) => lines.join('\r\n');

/** The text part of a Switchboard notification, as a mail program quotes it. */
const QUOTED_NOTIFICATION = [
  '> Ada Lovelace replied to [SB-10423] Printer on fire:',
  '>',
  '> Could you send us the printer model and a photo of the error screen?',
  '>',
  '> Reply to this mail or open the ticket:',
  '> https://desk.example.com/tickets/10423',
  '>',
  '> --',
  '> Switchboard support desk',
  '> You get this mail because you are on ticket SB-10423.',
];

describe('newReplyText: the reply forms of the common mail programs', () => {
  it('keeps only the new text of a Gmail reply that wraps its attribution and quotes the notification', () => {
    const mail = crlf(
      'It is an HP LaserJet 4250, photo attached.  ',
      '',
      'Thanks for the quick answer!',
      '',
      'On Sat, Dec 6, 2026 at 10:12 AM Switchboard <support+SB-10423.k3f9q2@example.com>',
      'wrote:',
      '',
      ...QUOTED_NOTIFICATION,
      '',
    );
    expect(newReplyText(mail)).toBe(
      'It is an HP LaserJet 4250, photo attached.\n\nThanks for the quick answer!',
    );
  });

  it('cuts a Dutch Gmail attribution, "Op <datum> schreef <naam>:"', () => {
    const mail = crlf(
      'Het model is een HP LaserJet 4250.',
      '',
      'Op za 6 dec 2026 om 10:12 schreef Switchboard <support+SB-10423.k3f9q2@example.com>:',
      '',
      ...QUOTED_NOTIFICATION,
    );
    expect(newReplyText(mail)).toBe('Het model is een HP LaserJet 4250.');
  });

  it('cuts a Thunderbird attribution, "Op <datum>, <naam> schreef:", with the history left unquoted', () => {
    const mail =
      'Klopt, dank je.\n\nOp 06-12-2026 10:12, Switchboard schreef:\nAda Lovelace heeft gereageerd.\n';
    expect(newReplyText(mail)).toBe('Klopt, dank je.');
  });

  it('cuts a Dutch Outlook reply at its Van:/Verzonden:/Aan:/Onderwerp: block', () => {
    const mail = crlf(
      'Goedemorgen,',
      '',
      'De printer doet het weer, het ticket mag dicht.',
      '',
      'Met vriendelijke groet,',
      'Piet de Vries',
      '',
      '________________________________',
      'Van: Switchboard <support+SB-10423.k3f9q2@example.com>',
      'Verzonden: zaterdag 6 december 2026 10:12',
      'Aan: Piet de Vries <piet@example.nl>',
      'Onderwerp: [SB-10423] Printer in brand',
      '',
      'Ada Lovelace heeft gereageerd op [SB-10423] Printer in brand:',
      '',
      'Kunt u ons het model van de printer sturen?',
    );
    const reply = newReplyText(mail);
    expect(reply).toBe(
      'Goedemorgen,\n\nDe printer doet het weer, het ticket mag dicht.\n\nMet vriendelijke groet,\nPiet de Vries',
    );
  });

  it('cuts an English Outlook header block with starred field names, as Gmail writes a forward-style quote', () => {
    const mail = [
      'Fixed, thanks.',
      '',
      '*From:* Switchboard <support@example.com>',
      '*Sent:* Saturday, December 6, 2026 10:12 AM',
      '*To:* Ada <ada@example.org>',
      '*Subject:* [SB-10423] Printer on fire',
      '',
      'Old text',
    ].join('\n');
    expect(newReplyText(mail)).toBe('Fixed, thanks.');
  });

  it('cuts at "-----Original Message-----" and at "-----Oorspronkelijk bericht-----"', () => {
    const english = 'See the log below.\n\n-----Original Message-----\nFrom: Switchboard\nOld text';
    const dutch = 'Zie het logboek.\n\n-----Oorspronkelijk bericht-----\nVan: Switchboard\nOude tekst';
    expect(newReplyText(english)).toBe('See the log below.');
    expect(newReplyText(dutch)).toBe('Zie het logboek.');
  });

  it('cuts Apple Mail\'s Dutch "Op … heeft … het volgende geschreven:" and its iPhone signature', () => {
    const mail = crlf(
      'Prima, dank je wel!',
      '',
      'Verstuurd vanaf mijn iPhone',
      '',
      '> Op 6 dec. 2026 om 10:12 heeft Switchboard <support@example.com> het volgende geschreven:',
      '>',
      ...QUOTED_NOTIFICATION,
    );
    expect(newReplyText(mail)).toBe('Prima, dank je wel!');
    const withoutSignature =
      'Prima.\n\nOp 6 dec. 2026 om 10:12 heeft Switchboard <support@example.com> het volgende geschreven:\n\nOude tekst';
    expect(newReplyText(withoutSignature)).toBe('Prima.');
  });

  it('drops a signature after the "-- " delimiter', () => {
    const mail = crlf(
      'The log is attached.',
      '',
      '-- ',
      'Ada Lovelace',
      'Analytical Engines Ltd.',
      '+44 20 7946 0000',
    );
    expect(newReplyText(mail)).toBe('The log is attached.');
  });

  it('drops "Sent from my iPhone" and "Verzonden vanaf mijn Galaxy"', () => {
    expect(newReplyText('Yes, please close it.\n\nSent from my iPhone\n')).toBe('Yes, please close it.');
    expect(newReplyText('Ja, sluit maar.\n\nVerzonden vanaf mijn Galaxy')).toBe('Ja, sluit maar.');
  });

  it('drops a sign-off the reply parser knows ("Kind regards") and a French attribution', () => {
    expect(newReplyText('Works now.\n\nKind regards,\nAda')).toBe('Works now.');
    const french =
      'Merci !\n\nLe sam. 6 déc. 2026 à 10:12, Support <support@example.com> a écrit :\n> Ancien texte';
    expect(newReplyText(french)).toBe('Merci !');
  });
});

describe('newReplyText: replies too long for the reply parser (over 2 KB) are cut by the own rules', () => {
  const long = 'The printer jams on every second page, here is what I tried so far.\n'.repeat(40).trim();

  it('cuts a wrapped Gmail attribution', () => {
    const mail = [
      long,
      '',
      'On Sat, Dec 6, 2026 at 10:12 AM Switchboard <',
      'support@example.com> wrote:',
      '',
    ]
      .concat(QUOTED_NOTIFICATION)
      .join('\n');
    expect(newReplyText(mail)).toBe(long);
  });

  it('cuts a Dutch Outlook header block and leaves its sign-off', () => {
    const mail = [
      long,
      '',
      'Groet, Piet',
      '',
      'Van: Switchboard <support@example.com>',
      'Verzonden: zaterdag 6 december 2026 10:12',
    ]
      .concat(['Aan: Piet <piet@example.nl>', 'Onderwerp: [SB-10423] Printer', '', 'Oude tekst'])
      .join('\n');
    expect(newReplyText(mail)).toBe(`${long}\n\nGroet, Piet`);
  });

  it("drops an iPhone signature and cuts Apple Mail's Dutch attribution", () => {
    const apple = 'Op 6 dec. 2026 om 10:12 heeft Switchboard <support@example.com> het volgende geschreven:';
    const mail = [long, '', 'Verstuurd vanaf mijn iPhone', '', apple, '', 'Oude tekst'].join('\n');
    expect(newReplyText(mail)).toBe(long);
    expect(newReplyText([long, '', apple, '', 'Oude tekst'].join('\n'))).toBe(long);
  });
});

describe('newReplyText: what stays', () => {
  // Decided: a quote the sender answered below stays with its attribution, or the answers lose
  // their questions; only the quote left at the end, and the signature, go.
  it('keeps quotes the sender answered between, and drops the quote left at the end', () => {
    const mail = [
      'Answers inline.',
      '',
      'On Sat, Dec 6, 2026 at 10:12 AM Switchboard <support@example.com> wrote:',
      '> Could you send the printer model?',
      '',
      'HP LaserJet 4250.',
      '',
      '> And a photo of the error screen?',
      '',
      'Attached.',
      '',
      '> Reply to this mail or open the ticket:',
      '> https://desk.example.com/tickets/10423',
      '',
      '-- ',
      'Ada',
    ].join('\n');
    expect(newReplyText(mail)).toBe(
      [
        'Answers inline.',
        '',
        'On Sat, Dec 6, 2026 at 10:12 AM Switchboard <support@example.com> wrote:',
        '> Could you send the printer model?',
        '',
        'HP LaserJet 4250.',
        '',
        '> And a photo of the error screen?',
        '',
        'Attached.',
      ].join('\n'),
    );
  });

  it('drops an undated attribution only where it introduces the quote at the end', () => {
    expect(newReplyText('Done.\n\nSupport wrote:\n> Please restart it.\n')).toBe('Done.');
    expect(newReplyText('My colleague wrote:\nit is broken again.')).toBe(
      'My colleague wrote:\nit is broken again.',
    );
  });

  it('keeps text that only resembles an attribution or header', () => {
    const undated = 'Hi,\n\nOn the phone my colleague wrote:\nthe toner is empty.';
    expect(newReplyText(undated)).toBe(undated);
    const dated = 'Hi,\n\nOn 6 December my colleague wrote:\nthe toner is empty.';
    expect(newReplyText(dated)).toBe(dated);
    // The reply parser alone would join the first two lines into a "header" and hide them.
    const dutch =
      'Hoi,\n\nOp maandag werkte het nog.\nMijn collega schreef toen:\nhet is kapot.\n\nGroet, Jan';
    expect(newReplyText(dutch)).toBe(dutch);
    const from = 'Hi,\n\nFrom: my desk <pc-12> printing fails.\nThanks';
    expect(newReplyText(from)).toBe(from);
    const twoLines =
      'Hi,\n\nOn 6 December I tried the other tray too,\nand then my colleague wrote:\nit needs a new fuser.';
    expect(newReplyText(twoLines)).toBe(twoLines);
    const sentFrom = 'It fails.\nSent from the office laptop, printing works.\nOdd.';
    expect(newReplyText(sentFrom)).toBe(sentFrom);
  });

  it('returns a mail that is all quote whole, trimmed, rather than nothing', () => {
    const mail = crlf('', '> Could you send the printer model?', '> Thanks', '', '');
    expect(newReplyText(mail)).toBe('> Could you send the printer model?\n> Thanks');
    expect(newReplyText('On Sat, Dec 6, 2026 at 10:12 AM Ada wrote:\n> hello')).toBe(
      'On Sat, Dec 6, 2026 at 10:12 AM Ada wrote:\n> hello',
    );
  });

  it('normalises line endings and trailing whitespace', () => {
    expect(newReplyText('First line \t\r\nSecond line\rThird\r\n\r\n\r\n\r\nFourth  ')).toBe(
      'First line\nSecond line\nThird\n\nFourth',
    );
    expect(newReplyText('')).toBe('');
  });
});

describe('newReplyText: large and hostile input', () => {
  it("handles a 1 MB body of text that the reply parser's patterns backtrack on", () => {
    const paragraph = 'on at on at 1234 from abc. skrev Op maandag schreef Dnia x\n'.repeat(50);
    const body = `Start.\n\n${paragraph.repeat(Math.ceil(2 ** 20 / paragraph.length))}`;
    const reply = newReplyText(`${body}\nOn Sat, Dec 6, 2026 at 10:12 AM Ada wrote:\n> old`);
    expect(reply.length).toBeGreaterThan(2 ** 20);
    expect(reply.startsWith('Start.')).toBe(true);
    expect(reply).not.toContain('> old');
  });

  it('handles a 1 MB line without a break, and short crafted text under the parser limit', () => {
    const line = 'on at '.repeat(180_000);
    expect(newReplyText(line)).toBe(line.trimEnd());
    const crafted = 'abc. skrev\n'.repeat(180);
    expect(newReplyText(crafted)).toBe(crafted.trim());
  });

  it('drops a long chain of undated attributions and quotes at the end', () => {
    const chain = 'Support wrote:\n> Please restart it.\n'.repeat(40_000);
    expect(newReplyText(`Done.\n\n${chain}`)).toBe('Done.');
  });

  it('returns a mail of 100,000 ">" lines whole', () => {
    const mail = '>\n'.repeat(50_000) + '> quoted\n'.repeat(50_000);
    const reply = newReplyText(mail);
    expect(reply.split('\n')).toHaveLength(100_000);
    expect(reply.endsWith('> quoted')).toBe(true);
  });
});
