/**
 * A parsed deck to one self-contained HTML page: every slide a <section>, its
 * speaker notes an <aside>, charts and local images inlined as data: URIs, the
 * stylesheet and the navigation script inline (theme.ts). The page loads
 * nothing from anywhere, so it works offline and from a USB stick.
 */
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { Marked, type Tokens } from 'marked';
import type { RenderedChart } from './chart-registry.js';
import type { Deck } from './deck.js';
import { deckScript, deckStyle } from './theme.js';

export interface RenderOptions {
  /** Charts by name, already drawn (every `chart:NAME` the deck uses). */
  charts: ReadonlyMap<string, RenderedChart>;
  /** Folder that relative image paths start from (the deck's folder). */
  baseDir: string;
  /** Names the deck in errors. */
  source: string;
}

const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.webp': 'image/webp',
};

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function dataUri(type: string, bytes: Buffer): string {
  return `data:${type};base64,${bytes.toString('base64')}`;
}

/** A Markdown renderer for one deck: chart and local images become data: URIs; remote ones are refused. */
function markdownFor(options: RenderOptions): Marked {
  const chartFor = (href: string): RenderedChart | undefined => {
    if (!href.startsWith('chart:')) return undefined;
    const chart = options.charts.get(href.slice('chart:'.length));
    if (!chart) throw new Error(`${options.source}: chart ${href} was not drawn (is it in the chart registry?)`);
    return chart;
  };
  const imageSource = (href: string): string => {
    const chart = chartFor(href);
    if (chart) return dataUri('image/png', chart.png);
    if (/^[a-z][a-z0-9+.-]*:/i.test(href) && !href.startsWith('data:')) {
      throw new Error(`${options.source}: image ${href} is not a local file; decks must work offline`);
    }
    if (href.startsWith('data:')) return href;
    const type = IMAGE_TYPES[extname(href).toLowerCase()];
    if (!type) throw new Error(`${options.source}: image ${href} is not a PNG, JPEG, GIF, SVG or WebP file`);
    try {
      return dataUri(type, readFileSync(resolve(options.baseDir, decodeURI(href))));
    } catch {
      throw new Error(`${options.source}: image ${href} cannot be read from ${options.baseDir}`);
    }
  };
  const image = ({ href, text, title }: Tokens.Image): string =>
    `<img src="${imageSource(href)}" alt="${escapeHtml(text)}"${title ? ` title="${escapeHtml(title)}"` : ''}>`;
  return new Marked({
    gfm: true,
    renderer: {
      image,
      paragraph(token: Tokens.Paragraph): string | false {
        const only = token.tokens.length === 1 ? token.tokens[0] : undefined;
        if (only?.type !== 'image') return false;
        const chart = chartFor((only as Tokens.Image).href);
        const caption = chart ? `<figcaption>${escapeHtml(chart.caption)}</figcaption>` : '';
        return `<figure>${image(only as Tokens.Image)}${caption}</figure>\n`;
      },
    },
  });
}

/** The whole page for a deck. */
export function renderDeckHtml(deck: Deck, options: RenderOptions): string {
  const markdown = markdownFor(options);
  const total = deck.slides.length;
  const frames = deck.slides.map((slide, index) => {
    const body = markdown.parse(slide.markdown, { async: false });
    const notes = slide.notes ? `\n<aside class="notes">${markdown.parse(slide.notes, { async: false })}</aside>` : '';
    const kind = index === 0 ? 'slide title-slide' : 'slide';
    return (
      `<div class="slide-frame" id="slide-${index + 1}">\n<section class="${kind}">\n${body}` +
      `<div class="slide-number">${index + 1} / ${total}</div>\n</section>${notes}\n</div>`
    );
  });
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="course-kit slides (npm run slides)">
<title>${escapeHtml(deck.title)}</title>
<style>${deckStyle}</style>
</head>
<body>
<main class="deck">
${frames.join('\n')}
</main>
<div class="help">← → or Space: move · s: speaker notes · Ctrl-P: print</div>
<script>${deckScript}</script>
</body>
</html>
`;
}
