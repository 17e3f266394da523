import { describe, expect, it } from 'vitest';
import { htmlToSafeText } from './html-text.js';
import { newReplyText } from './reply-text.js';

/** A body as an HTML-only mail program sends it, with the head it always has. */
const page = (body: string) =>
  `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Re: [SB-10423]</title>` +
  `<style>p { margin: 0 } .x { color: red }</style></head><body>${body}</body></html>`;

describe('htmlToSafeText: structure', () => {
  it('turns paragraphs into blank-line-separated blocks and <br> into line breaks', () => {
    const html = page('<p>Hello,</p><p>The printer is on fire.<br>Again.</p><div>Ada</div>');
    expect(htmlToSafeText(html)).toBe('Hello,\n\nThe printer is on fire.\nAgain.\n\nAda');
  });

  it('writes list items as "- item" and numbers ordered ones', () => {
    const html = page(
      '<p>Tried:</p><ul><li>Turning it off</li><li>Turning it <b>on</b></li></ul><ol><li>a</li><li>b</li></ol>',
    );
    expect(htmlToSafeText(html)).toBe('Tried:\n\n- Turning it off\n- Turning it on\n\n 1. a\n 2. b');
  });

  it('writes a link as "text (url)", and an address once when the text is the address', () => {
    const html = page(
      '<p><a href="https://desk.example.com/tickets/10423">the ticket</a>, ' +
        '<a href="https://desk.example.com/">https://desk.example.com/</a>, ' +
        '<a href="mailto:ada@example.org">ada@example.org</a></p>',
    );
    expect(htmlToSafeText(html)).toBe(
      'the ticket (https://desk.example.com/tickets/10423), https://desk.example.com/, ada@example.org',
    );
  });

  it('shows only the text of links that are no web or mail address', () => {
    const html = page(
      '<a href="javascript:alert(1)">click</a> <a href="cid:logo@x">logo</a> <a href="#top">top</a>',
    );
    expect(htmlToSafeText(html)).toBe('click logo top');
  });

  it('keeps headings as written and puts table cells of a row on one line', () => {
    const html = page(
      '<h2>Contact form</h2><table><tr><th>Name</th><td>Ada</td></tr><tr><td>Ticket</td><td>SB-10423</td></tr></table>',
    );
    expect(htmlToSafeText(html)).toBe('Contact form\n\nName Ada\nTicket SB-10423');
  });

  it('decodes entities', () => {
    const html = page('<p>Caf&eacute; &amp; bar&nbsp;&#128512; &lt;b&gt; is not bold</p>');
    expect(htmlToSafeText(html)).toBe('Café & bar\u00a0😀 <b> is not bold');
  });
});

describe('htmlToSafeText: what a reader does not see', () => {
  it('drops head, script, style, comments and Outlook conditional comments', () => {
    const html = page(
      '<!-- tracking comment --><!--[if mso]><p>Outlook only</p><![endif]-->' +
        '<script>alert("x")</script><style>.y { display: block }</style><noscript>enable js</noscript><p>Visible</p>',
    );
    const text = htmlToSafeText(html);
    expect(text).toBe('Visible');
  });

  it('drops hidden elements: the preheader, [hidden], visibility and mso-hide', () => {
    const html = page(
      '<span style="display:none;max-height:0;overflow:hidden">Preview: you have a new reply</span>' +
        '<div hidden>hidden attribute</div><p STYLE="DISPLAY: NONE">shouted</p>' +
        '<p style="visibility: hidden">invisible</p><div style="mso-hide:all">outlook</div><p>Shown</p>',
    );
    expect(htmlToSafeText(html)).toBe('Shown');
  });

  it('lets no markup through, images and event handlers included', () => {
    const html = page(
      '<p onclick="steal()">Hi <img src="cid:screenshot" alt="screenshot" onerror="alert(1)"></p>' +
        '<iframe src="https://evil.example/">frame</iframe><svg><script>alert(2)</script></svg><p>Bye</p>',
    );
    const text = htmlToSafeText(html);
    expect(text).toBe('Hi\n\nBye');
    expect(text).not.toMatch(/[<>]/);
  });
});

describe('htmlToSafeText: mail as it arrives', () => {
  it('quotes a Gmail blockquote as "> " lines, which newReplyText then drops', () => {
    const html =
      '<div dir="ltr">It is an HP LaserJet 4250.</div><br><div class="gmail_quote">' +
      '<div dir="ltr" class="gmail_attr">On Sat, Dec 6, 2026 at 10:12 AM Switchboard &lt;' +
      'support+SB-10423.k3f9q2@example.com&gt; wrote:<br></div>' +
      '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex">Could you send the model?<br>' +
      '<a href="https://desk.example.com/tickets/10423">Open the ticket</a></blockquote></div>';
    const text = htmlToSafeText(html);
    expect(text).toContain('> Could you send the model?');
    expect(newReplyText(text)).toBe('It is an HP LaserJet 4250.');
  });

  it('returns plain text unchanged and nothing for nothing', () => {
    expect(htmlToSafeText('Just text, no tags.')).toBe('Just text, no tags.');
    expect(htmlToSafeText('')).toBe('');
    expect(htmlToSafeText('<p>Unclosed <b>bold <i>italic')).toBe('Unclosed bold italic');
  });

  it('survives 100,000 nested elements, leaving out what follows its tag limit', () => {
    const html = `<p>Start</p>${'<div>'.repeat(100_000)}deep${'</div>'.repeat(100_000)}`;
    const text = htmlToSafeText(html);
    expect(text.startsWith('Start')).toBe(true);
    expect(text.endsWith('…')).toBe(true);
    expect(text).not.toContain('deep');
  });

  it('converts a 1 MB paragraph whole', () => {
    const text = htmlToSafeText(`<p>${'word '.repeat(200_000)}</p>`);
    expect(text).toHaveLength('word '.repeat(200_000).trimEnd().length);
  });
});
