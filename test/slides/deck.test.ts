/**
 * The deck format (slides separated by `---`, notes after `Note:`, charts as
 * `chart:NAME` images) and the page it renders to, on small decks written here.
 */
import assert from 'node:assert/strict';
import type { ChartConfiguration } from 'chart.js';
import { parse } from 'node-html-parser';
import { slideCharts } from '../../src/course/slide-charts.js';
import { renderSlideChart, type RenderedChart } from '../../src/slides/chart-registry.js';
import { chartNames, parseDeck } from '../../src/slides/deck.js';
import { renderDeckHtml } from '../../src/slides/render.js';

const noCharts = new Map<string, RenderedChart>();

describe('slides: the deck format', () => {
  it('splits slides on --- lines and takes notes after Note:', () => {
    const deck = parseDeck(
      ['# Title', 'intro', '---', '## Two', 'body', 'Note:', 'say this', '---', '## Three', 'Note: inline note'].join('\n'),
    );
    assert.equal(deck.title, 'Title');
    assert.deepEqual(
      deck.slides.map((slide) => [slide.markdown, slide.notes]),
      [
        ['# Title\nintro', ''],
        ['## Two\nbody', 'say this'],
        ['## Three', 'inline note'],
      ],
    );
  });

  it('does not split or take notes inside fenced code blocks', () => {
    const deck = parseDeck(['# T', '```yaml', 'a: 1', '---', 'Note: not a note', '```', 'after'].join('\n'));
    assert.equal(deck.slides.length, 1);
    assert.match(deck.slides[0].markdown, /---\nNote: not a note/);
    assert.equal(deck.slides[0].notes, '');
  });

  it('ignores empty slides (a leading or doubled separator)', () => {
    assert.equal(parseDeck('---\n# T\n---\n\n---\n## B').slides.length, 2);
  });

  it('names the file in its errors: no title, an unclosed code block, nothing at all', () => {
    assert.throws(() => parseDeck('## not a title', 'x.md'), /x\.md: the first slide must start with a "# title" heading/);
    assert.throws(() => parseDeck('# T\n```ts\nlet a;', 'y.md'), /y\.md: a code block opened with ``` is never closed/);
    assert.throws(() => parseDeck('---\n\n---', 'z.md'), /z\.md has no slides/);
  });

  it('lists the charts a deck asks for, once each', () => {
    const deck = parseDeck('# T\n![a](chart:speedup)\n---\n![b](chart:backpressure) ![c](chart:speedup) ![d](picture.png)');
    assert.deepEqual(chartNames(deck), ['speedup', 'backpressure']);
  });
});

describe('slides: the chart registry', () => {
  it('has a chart for every unit 01-10', () => {
    const units = new Set(Object.values(slideCharts).map((chart) => chart.unit.slice(0, 2)));
    assert.deepEqual([...units].sort(), ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10']);
  });

  it('measures the race on all four runtimes and draws it to a PNG captioned with this machine', async () => {
    const config = (await slideCharts['race-runtimes'].config()) as ChartConfiguration<'bar'>;
    assert.deepEqual(config.data.labels, ['async', 'threads', 'processes', 'net']);
    const [roundTrip, startup] = config.data.datasets.map((dataset) => dataset.data as number[]);
    assert.ok(
      roundTrip.every((ms) => ms > 0),
      `round trips ${roundTrip}`,
    );
    assert.ok(startup[2] > startup[0], `starting child processes (${startup[2]} ms) costs more than async tasks (${startup[0]} ms)`);
    const chart = await renderSlideChart(slideCharts, 'race-runtimes');
    assert.deepEqual([...chart.png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.match(chart.caption, /^Measured on the machine that built these slides \(\d+ cores\), \d{4}-\d\d-\d\d\.$/);
  });

  it('refuses an unknown chart, listing the known ones', async () => {
    await assert.rejects(
      renderSlideChart(slideCharts, 'nope'),
      /unknown chart "nope"; the registered charts are: io-timeline, backpressure/,
    );
  });
});

describe('slides: the page', () => {
  const render = (markdown: string, charts = noCharts) =>
    parse(renderDeckHtml(parseDeck(markdown, 'test.md'), { charts, baseDir: '/nonexistent', source: 'test.md' }));

  it('has the title, one section per slide, notes in asides, and one inline script', () => {
    const page = render('# Threads & "async"\n---\n## Two\nNote:\nsecret');
    assert.equal(page.querySelector('title')?.text, 'Threads & "async"');
    assert.equal(page.querySelectorAll('section.slide').length, 2);
    assert.equal(page.querySelectorAll('aside.notes').length, 1);
    assert.match(page.querySelector('aside.notes')?.text ?? '', /secret/);
    const scripts = page.querySelectorAll('script');
    assert.equal(scripts.length, 1);
    assert.equal(scripts[0].getAttribute('src'), undefined);
    assert.match(scripts[0].text, /keydown/);
  });

  it('puts a chart in a figure as a data: URI, with its caption', () => {
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    const charts = new Map<string, RenderedChart>([['speedup', { name: 'speedup', png, caption: 'Measured here.', ms: 1 }]]);
    const page = render('# T\n\n![speedup](chart:speedup)', charts);
    const figure = page.querySelector('figure');
    assert.ok(figure, 'a figure');
    assert.equal(figure.querySelector('img')?.getAttribute('src'), `data:image/png;base64,${png.toString('base64')}`);
    assert.equal(figure.querySelector('figcaption')?.text, 'Measured here.');
  });

  it('refuses remote images, missing local ones, and charts that were not drawn', () => {
    assert.throws(
      () => render('# T\n![x](https://example.com/x.png)'),
      /test\.md: image https:\/\/example\.com\/x\.png is not a local file; decks must work offline/,
    );
    assert.throws(() => render('# T\n![x](missing.png)'), /test\.md: image missing\.png cannot be read from \/nonexistent/);
    assert.throws(() => render('# T\n![x](chart:speedup)'), /test\.md: chart chart:speedup was not drawn/);
  });
});
