/**
 * A slide deck written in Markdown: slides are separated by a line holding only
 * `---`, and a line `Note:` starts the speaker notes of its slide (everything
 * after it, up to the next `---`). Separators inside fenced code blocks do not
 * count. The deck's title is the first `# heading` of its first slide.
 *
 * A chart is written as an image whose address names a registered chart:
 * `![speedup against workers](chart:speedup)` (see chart-registry.ts).
 */

export interface Slide {
  /** The slide's Markdown, without its notes. */
  markdown: string;
  /** The speaker notes (Markdown), '' when the slide has none. */
  notes: string;
}

export interface Deck {
  /** From the first `# heading` of the first slide. */
  title: string;
  slides: Slide[];
}

const FENCE = /^\s*(```|~~~)/;
const SEPARATOR = /^---\s*$/;
const NOTE = /^Note:\s*(.*)$/;
const CHART = /!\[[^\]]*\]\(chart:([^)\s]+)\)/g;

/** Splits a deck's Markdown into slides and notes; `source` names the file in errors. */
export function parseDeck(markdown: string, source = 'deck'): Deck {
  if (typeof markdown !== 'string') throw new TypeError(`markdown of ${source} must be a string`);
  const slides: Slide[] = [];
  let body: string[] = [];
  let notes: string[] | undefined;
  let inFence: string | undefined;
  const finish = (): void => {
    const slide = { markdown: body.join('\n').trim(), notes: (notes ?? []).join('\n').trim() };
    if (slide.markdown !== '' || slide.notes !== '') slides.push(slide);
    body = [];
    notes = undefined;
  };
  for (const line of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    const fence = FENCE.exec(line)?.[1];
    if (fence && (inFence === undefined || inFence === fence)) inFence = inFence ? undefined : fence;
    if (inFence === undefined && SEPARATOR.test(line) && !fence) {
      finish();
      continue;
    }
    const note = inFence === undefined && notes === undefined ? NOTE.exec(line) : null;
    if (note) {
      notes = note[1] ? [note[1]] : [];
    } else {
      (notes ?? body).push(line);
    }
  }
  if (inFence !== undefined) throw new Error(`${source}: a code block opened with ${inFence} is never closed`);
  finish();
  if (slides.length === 0) throw new Error(`${source} has no slides`);
  const title = /^#\s+(.+)$/m.exec(slides[0].markdown)?.[1]?.trim();
  if (!title) throw new Error(`${source}: the first slide must start with a "# title" heading`);
  return { title, slides };
}

/** The chart names a deck asks for (`![...](chart:NAME)`), each once, in order of appearance. */
export function chartNames(deck: Deck): string[] {
  const names = new Set<string>();
  for (const slide of deck.slides) for (const match of slide.markdown.matchAll(CHART)) names.add(match[1]);
  return [...names];
}
