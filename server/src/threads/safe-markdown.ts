/**
 * Renders the small markdown subset Cairn allows in discussion posts — paragraphs, bullet and numbered
 * lists, **strong**, *emphasis* / _emphasis_, [links](https://…) and @mentions — to HTML that is safe to
 * insert. Everything the author typed is escaped first; only tags made here are added afterwards, and a
 * link's address must be http, https or mailto. No HTML the author writes ever passes through.
 */
export function renderSafeMarkdown(text: string, mentionNames: string[] = []): string {
  const clean = text.replace(/\r\n?/g, '\n').replace(/\u0000/g, '');
  const blocks = clean.split(/\n[ \t]*\n/).map((b) => b.replace(/^\n+|\n+$/g, '')).filter((b) => b.trim() !== '');
  return blocks.map((b) => renderBlock(b, mentionNames)).join('\n');
}

const bullet = /^\s*[-*+]\s+/;
const numbered = /^\s*\d{1,3}[.)]\s+/;

function renderBlock(block: string, mentionNames: string[]): string {
  const lines = block.split('\n');
  if (lines.every((l) => bullet.test(l))) return `<ul>${lines.map((l) => `<li>${inline(l.replace(bullet, ''), mentionNames)}</li>`).join('')}</ul>`;
  if (lines.every((l) => numbered.test(l))) return `<ol>${lines.map((l) => `<li>${inline(l.replace(numbered, ''), mentionNames)}</li>`).join('')}</ol>`;
  return `<p>${lines.map((l) => inline(l, mentionNames)).join('<br>')}</p>`;
}

function inline(raw: string, mentionNames: string[]): string {
  let s = escapeHtml(raw);
  // Links become placeholders first, so emphasis never rewrites inside an address.
  const tokens: string[] = [];
  const hold = (html: string) => `\u0000${tokens.push(html) - 1}\u0000`;
  s = s.replace(/\[([^\]\n]{1,200})\]\(([^()\s]{1,2000})\)/g, (whole, label: string, escapedUrl: string) => {
    const href = safeHref(unescapeHtml(escapedUrl));
    return href ? hold(`<a href="${escapeHtml(href)}" rel="noopener noreferrer" target="_blank">${label}</a>`) : whole;
  });
  for (const name of mentionNames) {
    const at = `@${escapeHtml(name)}`;
    if (s.includes(at)) s = s.split(at).join(hold(`<span class="mention">${at}</span>`));
  }
  s = s
    .replace(/\*\*(?=\S)([^*]*?\S)\*\*/g, '<strong>$1</strong>')
    .replace(/\*(?=\S)([^*\n]*?\S)?\*/g, (m, inner: string | undefined) => (inner === undefined ? m : `<em>${inner}</em>`))
    .replace(/(^|[^\w])_(?=\S)([^_\n]*?\S)_(?!\w)/g, '$1<em>$2</em>');
  return s.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => tokens[Number(i)]);
}

/**
 * The same markdown as plain text, for notifications and timeline excerpts: a link becomes its label, and the
 * emphasis and list markers go ("**pacing**" reads "pacing").
 */
export function markdownToPlainText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(bullet, '').replace(numbered, ''))
    .join('\n')
    .replace(/\[([^\]\n]{1,200})\]\(([^()\s]{1,2000})\)/g, '$1')
    .replace(/\*\*(?=\S)([^*]*?\S)\*\*/g, '$1')
    .replace(/\*(?=\S)([^*\n]*?\S)\*/g, '$1')
    .replace(/(^|[^\w])_(?=\S)([^_\n]*?\S)_(?!\w)/g, '$1$2');
}

const allowedProtocols = new Set(['http:', 'https:', 'mailto:']);

/** The normalised address if it is an absolute http(s) or mailto URL; otherwise null. */
export function safeHref(url: string): string | null {
  try {
    const parsed = new URL(url);
    return allowedProtocols.has(parsed.protocol) ? parsed.href : null;
  } catch {
    return null;
  }
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function unescapeHtml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}
