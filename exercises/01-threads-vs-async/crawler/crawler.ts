/**
 * A concurrent crawler of one site: the event loop overlaps many downloads on ONE
 * thread (no workers needed for I/O), and p-limit keeps at most `concurrency`
 * requests in flight so the site is not flooded.
 *
 * Rules the crawl follows:
 * - it stays on the start page's origin (scheme, host and port): links elsewhere are never fetched;
 * - a page is fetched at most once: a URL is marked as seen BEFORE its request is
 *   scheduled, so two pages that link to it at the same moment do not both fetch it;
 * - `#fragment`s are dropped (`/a#x` and `/a` are one page);
 * - a page that answers with an HTTP error is reported in `failed`, not thrown.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import { parse, type HTMLElement } from 'node-html-parser';

export interface CrawlOptions {
  /** Most requests in flight at once (an integer >= 1). */
  concurrency: number;
  /** Stop scheduling new pages once this many were scheduled (default: no limit). */
  maxPages?: number;
}

export interface CrawlResult {
  /** Title of every page fetched successfully, by absolute URL (without #fragment). */
  titles: Map<string, string>;
  /** Pages that could not be fetched: the URL and why (e.g. "HTTP 404"). */
  failed: Array<{ url: string; reason: string }>;
}

export interface PageInfo {
  /** Text of the page's <title>, trimmed ("" when there is none). */
  title: string;
  /** Absolute URLs (without #fragment) of every <a href> on the page, in document order. */
  links: string[];
}

/** Crawls the site from `startUrl`, following links on the same origin. */
export async function crawl(startUrl: string, options: CrawlOptions): Promise<CrawlResult> {
  const { concurrency, maxPages = Infinity } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be an integer >= 1, got ${String(concurrency)}`);
  }
  if (maxPages !== Infinity && (!Number.isInteger(maxPages) || maxPages < 1)) {
    throw new RangeError(`maxPages must be an integer >= 1, got ${String(maxPages)}`);
  }
  return crawlWith(pLimit(concurrency), new URL(startUrl), maxPages);
}

/**
 * The crawl itself. `limit(() => job())` runs `job` as soon as fewer than
 * `concurrency` jobs are running, and returns a promise of its result.
 */
async function crawlWith(limit: LimitFunction, start: URL, maxPages: number): Promise<CrawlResult> {
  throw new Error('Not implemented yet: crawler — see README.md and the hints (npm run learn)');
}

/** Reads a page's title and links; `pageUrl` resolves relative links. */
export function parsePage(html: string, pageUrl: string): PageInfo {
  return readPage(parse(html), new URL(pageUrl));
}

/** `root.querySelector(css)`, `root.querySelectorAll(css)`, `element.getAttribute(name)` and `element.text` help here. */
function readPage(root: HTMLElement, base: URL): PageInfo {
  throw new Error('Not implemented yet: crawler — see README.md and the hints (npm run learn)');
}

/** The URL without its #fragment: `http://h/a#x` → `http://h/a`. */
export function withoutFragment(url: string): string {
  const parsed = new URL(url);
  parsed.hash = '';
  return parsed.href;
}
