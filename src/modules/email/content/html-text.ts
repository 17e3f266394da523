import { convert, type FormatCallback, type HtmlToTextOptions } from 'html-to-text';

/** Table cells side by side, a space apart: web forms mail "Name | Jan" as a table row. */
const formatCell: FormatCallback = (elem, walk, builder) => {
  walk(elem.children, builder);
  builder.addInline(' ');
};

/**
 * Elements whose content no reader sees as text. Marketing mail hides a preview line ("preheader")
 * with inline styles, `mso-hide:all` being Outlook's own; images (inline ones become attachments)
 * would only add their addresses.
 */
const HIDDEN = [
  'head',
  'title',
  'script',
  'style',
  'noscript',
  'template',
  'img',
  'iframe',
  'object',
  '[hidden]',
  '[style*="display:none"i]',
  '[style*="display: none"i]',
  '[style*="visibility:hidden"i]',
  '[style*="visibility: hidden"i]',
  '[style*="mso-hide:all"i]',
];

/**
 * Only web addresses and mail addresses (the converter has taken `mailto:` off) are worth showing;
 * a `javascript:`, `cid:` or relative link would be noise, so such a link shows its text alone.
 */
const usableHref = (href: string) =>
  /^https?:\/\//i.test(href) || (!href.includes(':') && href.includes('@')) ? href : '';

/**
 * The parser under the converter (htmlparser2 10) keeps its open elements in an array it unshifts,
 * so nesting costs quadratic time: measured here, 40,000 nested elements took over a second and
 * 100,000 ten. Mail has a few thousand tags at most; what follows this many is left out.
 */
const MAX_TAGS = 20_000;

const OPTIONS: HtmlToTextOptions = {
  // Lines are wrapped where the text is shown, not here.
  wordwrap: false,
  // The converter walks the tree recursively; mail nests tables a few dozen deep at most, and this
  // keeps a crafted document of a hundred thousand nested elements from overflowing the stack.
  limits: { maxDepth: 256 },
  formatters: { cell: formatCell },
  selectors: [
    ...HIDDEN.map((selector) => ({ selector, format: 'skip' })),
    {
      selector: 'a',
      options: { hideLinkHrefIfSameAsText: true, linkBrackets: ['(', ')'], pathRewrite: usableHref },
    },
    { selector: 'ul', options: { itemPrefix: '- ' } },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
    { selector: 'table', options: { uppercaseHeaderCells: false } },
    { selector: 'tr', format: 'block', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    { selector: 'td', format: 'cell' },
    { selector: 'th', format: 'cell' },
  ],
};

/**
 * Readable text of an HTML-only mail: blocks and `<br>` as line breaks, list items as "- item",
 * links as "text (url)", quotes as "> " lines (so the reply parser can drop them). No markup
 * survives; an entity the sender wrote (`&lt;b&gt;`) becomes the literal text `<b>`, which the
 * app escapes when it shows the message, as it does for any text.
 */
export function htmlToSafeText(html: string): string {
  const cut = tagLimitIndex(html);
  const text = convert(cut === undefined ? html : html.slice(0, cut), OPTIONS)
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return cut === undefined ? text : `${text}\n\n…`;
}

/** Where the tag past `MAX_TAGS` starts, if the document has that many. */
function tagLimitIndex(html: string): number | undefined {
  let at = -1;
  for (let tags = 0; tags <= MAX_TAGS; tags++) {
    at = html.indexOf('<', at + 1);
    if (at < 0) return undefined;
  }
  return at;
}
