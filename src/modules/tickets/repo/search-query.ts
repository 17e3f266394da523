import { sql } from 'kysely';

/**
 * The words of a web-search query, any one of which will do (`a or b`): a ticket matches when all
 * its words are somewhere in it, so the message shown as the snippet may hold only some of them.
 * Words to exclude (`-word`, `-"a phrase"`) and the `or` operator are left out; quoted phrases
 * count word by word. Falls back to the text itself when nothing is left.
 */
export function anyOfTheWords(text: string): string {
  const words: string[] = [];
  for (const [token] of text.matchAll(/-?"[^"]*"?|\S+/g)) {
    if (token.startsWith('-') || token.toLowerCase() === 'or') continue;
    for (const word of token.replaceAll('"', ' ').split(/\s+/))
      if (word && word.toLowerCase() !== 'or') words.push(word);
  }
  return words.length ? words.join(' or ') : text;
}

/**
 * `text` as a tsquery in the instance's search language (stemmed) or, as a fallback, as typed
 * (`simple`). When both read the same, one is kept: the planner takes `a | a` for twice as common
 * as `a`, and walks where it should use the index.
 */
export function tsQuery(language: string, text: string) {
  return sql`(select case when stemmed = typed then stemmed else stemmed || typed end
    from (select websearch_to_tsquery(${language}::regconfig, ${text}) as stemmed,
      websearch_to_tsquery('simple', ${text}) as typed) w)`;
}
