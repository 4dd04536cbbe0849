/**
 * Tests of the crawler against a small site served on 127.0.0.1 by the test
 * itself. The server counts requests in flight (the most at once) and requests
 * per page, so "at most N in flight" and "no page twice" are checked on the
 * server's side, where they matter.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crawl, parsePage } from './crawler.js';

interface SitePage {
  title: string;
  links: string[];
}

interface Site {
  /** The site's origin, e.g. http://127.0.0.1:40123 */
  origin: string;
  /** Requests per path (query and fragment never reach the server). */
  hits: Map<string, number>;
  /** Most requests in flight at once. */
  maxInFlight: number;
  close(): Promise<void>;
}

/** Serves `pages` (by path); any other path is a 404. Every answer comes after `delayMs`. */
async function serveSite(pages: Map<string, SitePage>, delayMs = 15): Promise<Site> {
  let inFlight = 0;
  const site = { origin: '', hits: new Map<string, number>(), maxInFlight: 0 };
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    site.hits.set(path, (site.hits.get(path) ?? 0) + 1);
    inFlight++;
    site.maxInFlight = Math.max(site.maxInFlight, inFlight);
    setTimeout(() => {
      inFlight--;
      const page = pages.get(path);
      if (!page) {
        response.writeHead(404, { 'content-type': 'text/html' }).end('<html><title>Not found</title></html>');
        return;
      }
      const anchors = page.links.map((href) => `<li><a class="link" href="${href}">${href}</a></li>`).join('\n');
      response
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(`<!doctype html><html><head>\n  <title>\n    ${page.title}  </title></head><body><ul>${anchors}</ul></body></html>`);
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  site.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(site, {
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/**
 * A site of `width` pages under /page/i, each with a leaf /page/i/leaf, links in
 * every form (relative, absolute, with #fragments, duplicates), a page every
 * page links to (/shared), a dead link (/missing) and links to another origin.
 */
function makeSite(width: number, elsewhere: string): Map<string, SitePage> {
  const pages = new Map<string, SitePage>();
  const home: string[] = [];
  for (let i = 0; i < width; i++) home.push(`/page/${i}`);
  pages.set('/', { title: 'Home', links: [...home, '/missing', `${elsewhere}/page/0`, '#top', '/'] });
  for (let i = 0; i < width; i++) {
    pages.set(`/page/${i}`, {
      title: `Page ${i}`,
      links: [
        `/page/${i}/leaf`, // absolute path
        `/page/${(i + 1) % width}#section`, // fragment
        `../page/${(i * 7) % width}`, // relative
        '/shared',
        '/shared#again',
        `${elsewhere}/secret/${i}`, // another origin: never fetched
        `/page/${i}`, // itself
      ],
    });
    pages.set(`/page/${i}/leaf`, { title: `Leaf ${i}`, links: ['/', `/page/${i}`] });
  }
  pages.set('/shared', { title: 'Shared & common', links: ['/'] });
  return pages;
}

/** The titles a full crawl must find: every page of the site (all are reachable from /). */
function expectedTitles(origin: string, pages: Map<string, SitePage>): Map<string, string> {
  return new Map([...pages].map(([path, page]) => [`${origin}${path}`, page.title]));
}

/** Serves the test site plus a second server (another origin) the crawler must never touch. */
async function withSites(
  width: number,
  delayMs: number,
  body: (site: Site, elsewhere: Site, pages: Map<string, SitePage>) => Promise<void>,
): Promise<void> {
  const elsewhere = await serveSite(new Map([['/', { title: 'Elsewhere', links: [] }]]));
  let site: Site | undefined;
  try {
    const pages = makeSite(width, elsewhere.origin);
    site = await serveSite(pages, delayMs);
    await body(site, elsewhere, pages);
  } finally {
    await site?.close();
    await elsewhere.close();
  }
}

function sortedEntries(map: Map<string, string>): Array<[string, string]> {
  return [...map].sort(([a], [b]) => a.localeCompare(b));
}

describe('crawler', () => {
  it('parsePage reads the trimmed title and resolves every link to an absolute URL without #fragment [1 pts]', () => {
    const html = `<html><head><title>  Hello  </title></head><body>
      <a href="/a">a</a> <a href="b#x">b</a> <a href="http://other.test/c">c</a> <a>no href</a> <a href="../d?q=1#y">d</a>
    </body></html>`;
    const page = parsePage(html, 'http://site.test/dir/index.html');
    assert.equal(page.title, 'Hello');
    assert.deepEqual(page.links, ['http://site.test/a', 'http://site.test/dir/b', 'http://other.test/c', 'http://site.test/d?q=1']);
    assert.deepEqual(parsePage('<p>no title here</p>', 'http://site.test/').title, '');
  });

  it('finds every page of the site with its title, and fetches none twice [3 pts]', async () => {
    await withSites(10, 10, async (site, _elsewhere, pages) => {
      const result = await crawl(`${site.origin}/`, { concurrency: 4 });
      assert.deepEqual(sortedEntries(result.titles), sortedEntries(expectedTitles(site.origin, pages)));
      const twice = [...site.hits].filter(([, count]) => count > 1);
      assert.deepEqual(twice, [], 'pages requested more than once');
    });
  });

  it('never has more than `concurrency` requests in flight, and does use that many [2 pts]', async () => {
    await withSites(12, 25, async (site) => {
      await crawl(`${site.origin}/`, { concurrency: 3 });
      assert.ok(site.maxInFlight <= 3, `the server saw ${site.maxInFlight} requests at once (limit 3)`);
      assert.equal(site.maxInFlight, 3, 'with 12 links on the home page, 3 requests should run at once');
    });
  });

  it('stays on its origin: links to another site are never fetched [1 pts]', async () => {
    await withSites(5, 5, async (site, elsewhere) => {
      const result = await crawl(`${site.origin}/`, { concurrency: 4 });
      assert.deepEqual([...elsewhere.hits], [], 'the other origin was requested');
      assert.ok([...result.titles.keys()].every((url) => url.startsWith(`${site.origin}/`)));
    });
  });

  it('reports a page that answers 404 in `failed` ("HTTP 404") and goes on [1 pts]', async () => {
    await withSites(3, 5, async (site) => {
      const result = await crawl(`${site.origin}/`, { concurrency: 2 });
      assert.deepEqual(result.failed, [{ url: `${site.origin}/missing`, reason: 'HTTP 404' }]);
      assert.equal(result.titles.has(`${site.origin}/missing`), false);
      assert.equal(result.titles.get(`${site.origin}/shared`), 'Shared & common');
    });
  });

  // BEGIN HIDDEN TESTS
  it('with concurrency 1 fetches one page at a time and still finds them all [1 pts]', async () => {
    await withSites(4, 5, async (site, _elsewhere, pages) => {
      const result = await crawl(`${site.origin}/`, { concurrency: 1 });
      assert.equal(site.maxInFlight, 1);
      assert.equal(result.titles.size, pages.size);
    });
  });

  it('a page linked from every page at the same moment is fetched exactly once [1 pts]', async () => {
    await withSites(12, 20, async (site) => {
      await crawl(`${site.origin}/`, { concurrency: 6 });
      assert.equal(site.hits.get('/shared'), 1);
      assert.equal(site.hits.get('/'), 1, 'the start page is linked back to from many pages');
    });
  });

  it('maxPages bounds the pages requested [1 pts]', async () => {
    await withSites(10, 5, async (site) => {
      const result = await crawl(`${site.origin}/`, { concurrency: 3, maxPages: 5 });
      const requests = [...site.hits.values()].reduce((sum, count) => sum + count, 0);
      assert.equal(requests, 5);
      assert.equal(result.titles.size + result.failed.length, 5);
    });
  });
  // END HIDDEN TESTS
});
