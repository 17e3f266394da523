import EmailReplyParser from 'email-reply-parser';

/**
 * Attributions and header lines are short (Gmail wraps its "On … wrote:" near 80 characters);
 * a longer line is the sender's text, and is never handed to a pattern.
 */
const MAX_HEADER_LINE = 400;

/**
 * Without the optional `re2` engine the parser's patterns backtrack: measured here, 16 KB of crafted
 * text ("on at on at …", or lines of "abc. skrev") kept it busy for 8 to 30 seconds, while 2 KB with
 * lines of at most 500 characters stays within tens of milliseconds. Our own cuts below take the
 * quoted history off nearly every reply first; longer new text is cut by them alone.
 */
const PARSER_MAX_TEXT = 2048;
const PARSER_MAX_LINE = 500;

const parser = new EmailReplyParser();

/** Outlook's separator line, and the one Dutch Outlook writes. */
const ORIGINAL_MESSAGE = /^-{2,20} ?(?:original message|oorspronkelijk bericht|origineel bericht) ?-{2,20}$/i;

/** The mobile mail programs' signatures in English and Dutch (Apple writes "Verstuurd vanaf"). */
const MOBILE_SIGNATURE =
  /^(?:sent from my \S.{0,60}|sent from (?:mail|outlook|yahoo mail|gmail) for \S.{0,40}|get outlook for (?:ios|android)\S{0,60}|(?:verzonden|verstuurd) (?:vanaf|van|met|vanuit) (?:mijn \S.{0,60}|(?:mail|outlook|yahoo mail) voor \S.{0,40}))$/i;

/** Lines of Outlook's header block ("From: … Sent: … To: … Subject: …"); Gmail stars them (*From:*). */
const BLOCK_FROM = /^\*?(?:from|van):\*? ?\S/i;
const BLOCK_DATE = /^\*?(?:sent|date|verzonden|datum):\*? ?\S/i;
const BLOCK_OTHER = /^\*?(?:to|aan|cc|subject|onderwerp):\*?(?: |$)/i;

/** Outlook draws a line of underscores above its header block; it goes with the history. */
const UNDERSCORE_LINE = /^_{10,}$/;

/** An undated attribution ("Jan wrote:") counts only right above the quote it introduces. */
const INTRODUCES_QUOTE = /\s(?:wrote|schreef|geschreven):$/;

/**
 * The new text of an incoming reply: the quoted history and the signature taken off. Quotes the
 * sender answered between are kept, since the answers make no sense without them; only the quote
 * left at the end goes. A mail that is all quote comes back whole, so nothing is lost.
 */
export function newReplyText(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n').map(trimmedEnd);
  const own = joined(withoutTrailingQuote(lines.slice(0, cutIndex(lines))));
  if (own === '') return joined(lines);
  return parserCut(own) ?? own;
}

/** `-- ` loses its space with the trailing whitespace, so a bare `--` is the delimiter too. */
const trimmedEnd = (line: string) => (line === '-- ' ? '--' : line.trimEnd());

const isQuoted = (line: string) => line.trimStart().startsWith('>');

/** Where the history or signature starts: the first line that begins one, else the end. */
function cutIndex(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.length > MAX_HEADER_LINE) continue;
    if (startsHistory(lines, i)) return i;
    const attribution = attributionLength(lines, i);
    if (attribution > 0 && !answersBetweenQuotes(lines, i + attribution)) return i;
  }
  return lines.length;
}

/** Lines after which nothing the sender wrote for this reply follows. */
function startsHistory(lines: string[], i: number): boolean {
  const line = lines[i]!;
  return (
    line === '--' ||
    MOBILE_SIGNATURE.test(line) ||
    ORIGINAL_MESSAGE.test(line) ||
    (BLOCK_FROM.test(line) && isHeaderBlock(lines, i))
  );
}

/** A "From:" line followed closely by a date line and another header line, as Outlook writes them. */
function isHeaderBlock(lines: string[], from: number): boolean {
  let dated = false;
  let addressed = false;
  for (const line of lines.slice(from + 1, from + 8)) {
    if (line.length > MAX_HEADER_LINE) continue;
    dated ||= BLOCK_DATE.test(line);
    addressed ||= BLOCK_OTHER.test(line);
  }
  return dated && addressed;
}

/**
 * Gmail breaks a long attribution in or after the sender's address, so its second line holds the
 * rest of the address or the verb alone; "and then my colleague wrote:" is the sender's own line.
 */
const WRAPPED_TAIL = /^[^>].*[@>]|^\S+:$/;

/** How many lines the attribution at `i` takes: Gmail wraps a long one onto a second line. */
function attributionLength(lines: string[], i: number): number {
  const line = lines[i]!.trimStart();
  if (!line.startsWith('On ') && !line.startsWith('Op ')) return 0;
  if (isAttribution(line)) return 1;
  const next = lines[i + 1]?.trim();
  if (next === undefined || line.length + next.length > MAX_HEADER_LINE || !WRAPPED_TAIL.test(next)) return 0;
  return isAttribution(`${line} ${next}`) ? 2 : 0;
}

/**
 * What the mail programs put in an attribution or header and people seldom write in a sentence
 * starting "On": a time (10:12) or the sender's address.
 */
const TIME_OR_ADDRESS = /\d:\d\d|@/;

/**
 * "On <date>, <name> wrote:", "Op <datum> schreef <naam>:", "Op <datum>, <naam> schreef:" and
 * Apple Mail's "Op <datum> heeft <naam> het volgende geschreven:", each with a time or address,
 * so that "On 6 December my colleague wrote:" stays the sender's text.
 */
function isAttribution(line: string): boolean {
  if (!TIME_OR_ADDRESS.test(line)) return false;
  if (line.startsWith('On ')) return line.endsWith(' wrote:');
  return (
    line.endsWith(' schreef:') ||
    (line.includes(' schreef ') && line.endsWith(':')) ||
    (line.includes(' heeft ') && line.endsWith(' het volgende geschreven:'))
  );
}

/**
 * After an attribution: quoted lines and then text of the sender's own that is no signature or
 * further history. History that Outlook or Apple Mail leave unquoted counts as history.
 */
function answersBetweenQuotes(lines: string[], from: number): boolean {
  let quoted = false;
  for (let i = from; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    if (isQuoted(line)) {
      quoted = true;
      continue;
    }
    if (!quoted) return false;
    if (line.length > MAX_HEADER_LINE) return true;
    return !startsHistory(lines, i) && attributionLength(lines, i) === 0;
  }
  return false;
}

/**
 * Drops the quote left at the end, Outlook's underscore line, and an undated attribution above the
 * quote (again for each older message quoted in turn).
 */
function withoutTrailingQuote(lines: string[]): string[] {
  let end = lines.length;
  for (;;) {
    let quoteDropped = false;
    while (end > 0) {
      const line = lines[end - 1]!;
      if (isQuoted(line)) quoteDropped = true;
      else if (line !== '' && !UNDERSCORE_LINE.test(line)) break;
      end--;
    }
    const above = lines[end - 1];
    if (
      !quoteDropped ||
      above === undefined ||
      above.length > MAX_HEADER_LINE ||
      !INTRODUCES_QUOTE.test(above)
    ) {
      return lines.slice(0, end);
    }
    end--;
  }
}

/** The lines as one text: no blank lines at either end, and at most one between paragraphs. */
function joined(lines: string[]): string {
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * The parser knows more languages and sign-offs ("Kind regards", "Le … a écrit :"). Only where it
 * cuts is taken from it: it joins lines it takes for a wrapped header, so the text kept is ours,
 * as many lines as hold the characters of its visible part. A quote it hides in the middle stays.
 */
function parserCut(text: string): string | null {
  if (text.length > PARSER_MAX_TEXT) return null;
  const lines = text.split('\n');
  if (lines.some((line) => line.length > PARSER_MAX_LINE)) return null;
  const fragments = parser.read(text).getFragments();
  const lastVisible = fragments.findLastIndex((fragment) => !fragment.isHidden());
  const dropped = fragments[lastVisible + 1];
  if (lastVisible < 0 || !dropped || !isCredibleCut(firstLine(dropped.getContent()), dropped.isSignature())) {
    return null;
  }
  let wanted = fragments.slice(0, lastVisible + 1).reduce((n, f) => n + visibleLength(f.getContent()), 0);
  let end = 0;
  while (end < lines.length && wanted > 0) wanted -= visibleLength(lines[end++]!);
  return joined(lines.slice(0, end)) || null;
}

/**
 * The parser's patterns are loose: it reads "Op maandag werkte het nog.⏎Mijn collega schreef:"
 * or "From: my desk <pc-12> fails." as a reply header, and any line starting "Sent from" as a
 * signature. Its cut is taken where the part it drops starts like a header (a separator, or a time
 * or address before the closing ":" or ">") or with a sign-off short enough to be one.
 */
function isCredibleCut(first: string, signature: boolean): boolean {
  if (signature) return first.length <= 40;
  return first.startsWith('--') || (TIME_OR_ADDRESS.test(first) && /[:>\]]$/.test(first));
}

const firstLine = (text: string) => text.trimStart().split('\n', 1)[0]!;

const visibleLength = (text: string) => text.replace(/\s+/g, '').length;
