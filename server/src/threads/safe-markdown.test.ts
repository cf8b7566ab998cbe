import { describe, expect, it } from 'vitest';
import { markdownToPlainText, renderSafeMarkdown } from './safe-markdown.js';

/** Every tag and attribute the renderer may produce; anything else in the output is a leak. */
function assertOnlyOwnMarkup(html: string): void {
  const tags = [...html.matchAll(/<\/?([a-zA-Z][\w-]*)([^>]*)>/g)];
  for (const [, tag, attrs] of tags) {
    expect(['p', 'br', 'ul', 'ol', 'li', 'strong', 'em', 'a', 'span']).toContain(tag.toLowerCase());
    for (const [, name] of attrs.matchAll(/\s([\w-]+)=/g)) expect(['href', 'rel', 'target', 'class']).toContain(name);
  }
  expect(html).not.toMatch(/href="(?!https?:|mailto:)/i);
}

describe('safe post formatting', () => {
  it('renders paragraphs, lists, emphasis, links and mentions', () => {
    expect(renderSafeMarkdown('Hello **team** and *you*, _all_\nsecond line\n\n- one\n- two\n\n1. first\n2. second')).toBe(
      '<p>Hello <strong>team</strong> and <em>you</em>, <em>all</em><br>second line</p>\n<ul><li>one</li><li>two</li></ul>\n<ol><li>first</li><li>second</li></ol>',
    );
    expect(renderSafeMarkdown('See [NICE NG193](https://www.nice.org.uk/guidance/ng193?a=1&b=2) or [email](mailto:pain@nhs.example)')).toBe(
      '<p>See <a href="https://www.nice.org.uk/guidance/ng193?a=1&amp;b=2" rel="noopener noreferrer" target="_blank">NICE NG193</a> or <a href="mailto:pain@nhs.example" rel="noopener noreferrer" target="_blank">email</a></p>',
    );
    expect(renderSafeMarkdown('Thanks @Dr Amy Patel', ['Dr Amy Patel'])).toBe('<p>Thanks <span class="mention">@Dr Amy Patel</span></p>');
    expect(renderSafeMarkdown('snake_case_name and 2 * 3 * 4')).toBe('<p>snake_case_name and 2 * 3 * 4</p>');
  });

  const payloads = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<svg/onload=alert(1)>',
    '[click me](javascript:alert(1))',
    '[click me](JaVaScRiPt:alert(1))',
    '[click me](java\tscript:alert(1))',
    '[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '[x](http://a.example/"onmouseover="alert(1))',
    "[x](https://a.example/'onmouseover='alert(1))",
    '[x"><script>alert(1)</script>](https://a.example)',
    '**<b onclick=alert(1)>bold</b>**',
    '- <iframe src="javascript:alert(1)">',
    '&lt;script&gt;alert(1)&lt;/script&gt;',
    '<a href="javascript:alert(1)">x</a>',
    '@<img src=x onerror=alert(1)>',
  ];
  it.each(payloads)('renders %j inert', (payload) => {
    const html = renderSafeMarkdown(payload, ['<img src=x onerror=alert(1)>']);
    assertOnlyOwnMarkup(html);
    // The words may remain as visible text, but never as markup or an address.
    expect(html).not.toMatch(/<(script|img|svg|iframe|b[ >])|href="(?!https?:|mailto:)/i);
  });

  it('keeps the text of a refused link visible, escaped', () => {
    expect(renderSafeMarkdown('[click](javascript:alert(1))')).toBe('<p>[click](javascript:alert(1))</p>');
    expect(renderSafeMarkdown('<b>hi</b>')).toBe('<p>&lt;b&gt;hi&lt;/b&gt;</p>');
  });

  it('reads as plain text for notifications and excerpts', () => {
    expect(markdownToPlainText('**Pacing** first, *then* _sleep_; [the leaflet](https://example.org/x)')).toBe('Pacing first, then sleep; the leaflet');
    expect(markdownToPlainText('- walk\n2. rest\nsnake_case_name stays')).toBe('walk\nrest\nsnake_case_name stays');
  });
});
