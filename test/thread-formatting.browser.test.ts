import { describe, expect, it } from 'vitest';
import { gql, useTestServer } from '../server/src/test-support/harness.js';
import { makeWorld, signInAs } from '../server/src/test-support/world.js';
import { useChromium } from './support/browser.js';

/** Script-injection payloads a post might carry; each would set `window.__pwned` if it ever ran. */
const payloads = [
  '<script>window.__pwned = "script"</script>',
  '<img src=x onerror="window.__pwned = \'img\'">',
  '<svg onload="window.__pwned = \'svg\'"></svg>',
  '<iframe srcdoc="<script>parent.__pwned = \'iframe\'</script>"></iframe>',
  '[open](javascript:window.__pwned="link")',
  '[open](JAVASCRIPT:window.__pwned="link2")',
  '[x](https://example.org/"onmouseover="window.__pwned=\'attr\')',
  '**<b onmouseover="window.__pwned=\'bold\'">hover</b>**',
  '- <a href="javascript:window.__pwned=\'list\'">item</a>',
];

describe('discussion posts in Chromium', () => {
  const server = useTestServer();
  const browser = useChromium();

  it('renders every script-injection payload as inert text, with only safe links', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const token = await signInAs(server().url, world.users.coach);
    const res = await gql<{ startThread: { posts: Array<{ bodyHtml: string }> } }>(
      server().url,
      'mutation($i: StartThreadInput!) { startThread(input: $i) { posts { bodyHtml } } }',
      { i: { patientId: patient.id, title: 'Payloads', topic: 'GENERAL', body: payloads.join('\n\n') + '\n\n[Guidance](https://www.nice.org.uk/guidance/ng193)', mentions: [] } },
      token,
    );
    expect(res.errors).toBeUndefined();
    const html = res.data!.startThread.posts[0].bodyHtml;

    const page = await browser().newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    // Both ways an app might show it: parsed as part of the document, and inserted with innerHTML.
    await page.setContent(`<!doctype html><main id="parsed">${html}</main><main id="inserted"></main>`, { waitUntil: 'load' });
    await page.evaluate((h) => {
      document.getElementById('inserted')!.innerHTML = h;
    }, html);
    for (const a of await page.locator('a').all()) await a.hover(); // mouse-over payloads get their chance
    const found = await page.evaluate(() => {
      const els = Array.from(document.querySelectorAll('main *'));
      return {
        pwned: (window as unknown as { __pwned?: string }).__pwned ?? null,
        tags: [...new Set(els.map((e) => e.tagName.toLowerCase()))].sort(),
        handlers: els.flatMap((e) => Array.from(e.attributes).map((a) => a.name)).filter((n) => n.startsWith('on')),
        links: Array.from(document.querySelectorAll('main a')).map((a) => ({ protocol: (a as HTMLAnchorElement).protocol, rel: a.getAttribute('rel') })),
        text: document.getElementById('parsed')!.textContent ?? '',
      };
    });
    expect(found.pwned).toBeNull();
    expect(dialogs).toEqual([]);
    expect(found.handlers).toEqual([]);
    for (const tag of found.tags) expect(['a', 'br', 'em', 'li', 'ol', 'p', 'strong', 'ul']).toContain(tag);
    expect(found.links.length).toBeGreaterThan(0);
    for (const link of found.links) expect(link).toEqual({ protocol: 'https:', rel: 'noopener noreferrer' });
    // What the author typed is still there to read.
    expect(found.text).toContain('<script>window.__pwned = "script"</script>');
    await page.close();
  });
});
