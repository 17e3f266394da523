import { describe, expect, it } from 'vitest';
import { MAIL_TEMPLATES, renderMail } from './templates.js';

const url = 'https://help.acme.test/auth/magic?token=abc&x=1';
const name = 'Ada <script>alert(1)</script> & Co';

describe('mail templates', () => {
  it.each(['verify-email', 'magic-link', 'password-reset'] as const)(
    '%s has a subject, an HTML part with the link and a plain-text part with the bare link',
    (template) => {
      const mail = renderMail(template, { name: 'Ada', url });
      expect(mail.subject).not.toBe('');
      expect(mail.html).toMatch(/^<!doctype html>/);
      expect(mail.html).toContain(`<title>${mail.subject}</title>`);
      expect(mail.html).toContain('href="https://help.acme.test/auth/magic?token=abc&amp;x=1"');
      expect(mail.text).toContain(url);
      expect(mail.text).not.toMatch(/<[a-z]/i);
    },
  );

  it('invitation names the inviter and the site, with the link in both parts', () => {
    const mail = renderMail('invitation', {
      name: 'Ada',
      url,
      inviter: 'Grace <admin>',
      site: 'help.acme.test',
    });
    expect(mail.subject).toBe('You are invited to Switchboard');
    expect(mail.html).toContain('Grace &lt;admin&gt; invited you to help.acme.test.');
    expect(mail.html).toContain('href="https://help.acme.test/auth/magic?token=abc&amp;x=1"');
    expect(mail.text).toContain('Grace <admin> invited you to help.acme.test.');
    expect(mail.text).toContain(url);
  });

  it('escapes user data in the HTML part and keeps it verbatim in the text part', () => {
    const mail = renderMail('magic-link', { name, url });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('Ada &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
    expect(mail.text).toContain(`Hello ${name},`);
  });

  it('security-notice lists every detail in both parts', () => {
    const mail = renderMail('security-notice', {
      name: 'Ada',
      headline: 'Your password was changed',
      details: ['2 other sessions were signed out.', 'Not you? Reset it <now>.'],
    });
    expect(mail.html).toContain('<li>2 other sessions were signed out.</li>');
    expect(mail.html).toContain('<li>Not you? Reset it &lt;now&gt;.</li>');
    expect(mail.text).toContain(
      'Your password was changed\n\n- 2 other sessions were signed out.\n- Not you? Reset it <now>.',
    );
  });

  it('ticket-update names the ticket in the subject; the reply is escaped in HTML, verbatim in text', () => {
    const notice = {
      key: 'SB-10423',
      subject: 'VPN <drops>',
      label: 'New reply',
      headline: 'Grace replied:',
      body: 'Try <b>this</b> & restart.',
      url: 'https://help.acme.test/tickets/SB-10423',
    };
    const mail = renderMail('ticket-update', { name: 'Ada', notice });
    expect(mail.subject).toBe('[SB-10423] New reply: VPN <drops>');
    expect(mail.html).toContain('Try &lt;b&gt;this&lt;/b&gt; &amp; restart.');
    expect(mail.html).toContain('href="https://help.acme.test/tickets/SB-10423"');
    expect(mail.text).toContain('Try <b>this</b> & restart.');
    expect(mail.text).toContain('https://help.acme.test/tickets/SB-10423');

    const digest = renderMail('ticket-digest', {
      name: 'Ada',
      notices: [
        notice,
        { ...notice, key: 'SB-10424', body: null, url: 'https://help.acme.test/tickets/SB-10424' },
      ],
    });
    expect(digest.subject).toBe('[SB-10423, SB-10424] 2 updates on your tickets');
    expect(digest.text).toContain('SB-10423 · VPN <drops>');
    expect(digest.text).toContain('https://help.acme.test/tickets/SB-10424');
  });

  it('mails a team reply as the conversation: the reply first, its files named, Dutch when asked', () => {
    const data = {
      key: 'SB-7',
      subject: 'Printer <jams>',
      author: 'Grace',
      body: 'Open the **tray** & retry.',
      bodyHtml: '<p>Open the <strong>tray</strong> &amp; retry.</p>',
      files: ['steps.pdf'],
      url: null,
    };
    const mail = renderMail('ticket-reply', data);
    expect(mail.subject).toBe('Re: [SB-7] Printer <jams>');
    expect(mail.html.indexOf('<strong>tray</strong>')).toBeLessThan(mail.html.indexOf('Grace · SB-7'));
    expect(mail.html).toContain('steps.pdf');
    expect(mail.html).not.toContain('href=');
    expect(mail.text.startsWith('Open the **tray** & retry.')).toBe(true);
    const dutch = renderMail(
      'ticket-reply',
      { ...data, url: 'https://help.acme.test/tickets/SB-7' },
      { locale: 'nl' },
    );
    expect(dutch.text).toContain('Beantwoord deze mail');
    expect(dutch.html).toContain('href="https://help.acme.test/tickets/SB-7"');
  });

  it('lead-new tells the team what the visitor wrote, escaped in HTML, with the link to the lead', () => {
    const lead = {
      name: 'Vera <b>Visitor</b>',
      email: 'vera@example.com',
      phone: null,
      company: 'Acme & Co',
      service: 'Repair',
      message: 'Help <script>alert(1)</script>',
    };
    const mail = renderMail('lead-new', { lead, url: 'https://help.acme.test/admin/leads/1' });
    expect(mail.subject).toBe('New lead: Vera <b>Visitor</b> (Acme & Co)');
    expect(mail.html).toContain('Help &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('href="https://help.acme.test/admin/leads/1"');
    expect(mail.text).toContain('Company: Acme & Co');
    expect(mail.text).not.toContain('Phone:');
    expect(renderMail('lead-new', { lead, url: 'x' }, { locale: 'nl' }).subject).toMatch(/^Nieuwe lead: /);
  });

  it('sms-budget is laid out as a notice, its subject naming the threshold and whose budget', () => {
    const data = { name: 'Ada', percent: 80, scope: null, headline: 'Reached 80 %', details: ['8 of 10'] };
    const mail = renderMail('sms-budget', data);
    expect(mail.subject).toBe('SMS budget of the team at 80 %');
    expect(mail.text).toContain('Reached 80 %');
    expect(renderMail('sms-budget', { ...data, scope: 'Bo' }, { locale: 'nl' }).subject).toBe(
      'Sms-budget van Bo op 80 %',
    );
  });

  it('covers every template', () => {
    expect(MAIL_TEMPLATES.sort()).toEqual([
      'invitation',
      'lead-new',
      'magic-link',
      'password-reset',
      'security-notice',
      'sms-budget',
      'ticket-digest',
      'ticket-help',
      'ticket-reply',
      'ticket-update',
      'verify-email',
    ]);
  });
});
