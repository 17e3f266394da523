import MarkdownIt from 'markdown-it';

/**
 * Messages are Markdown; what is shown is HTML made from it with raw HTML switched off (typed
 * tags come out as text) and markdown-it's link check (no `javascript:`, `vbscript:`, `file:` or
 * non-image `data:` URLs). Links open without handing the page to the target.
 */
const md = new MarkdownIt({ html: false, linkify: true, breaks: true });
const defaultLinkOpen =
  md.renderer.rules.link_open ??
  ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]!.attrSet('rel', 'nofollow noopener noreferrer');
  tokens[idx]!.attrSet('target', '_blank');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

export const renderMarkdown = (body: string): string => md.render(body);
