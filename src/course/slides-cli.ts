/**
 * `npm run slides [-- deck... --out DIR]`: builds slides/NN-topic.md into
 * self-contained slides/dist/NN-topic.html (all decks, or the ones named, e.g.
 * `04` or `04-pools`; `--out` writes elsewhere). Open the HTML in any browser:
 * → and ← move, `s` shows the speaker notes, printing gives one slide per page.
 * Exit code 1 when a deck cannot be built, 2 on bad arguments.
 */
import { relative, resolve } from 'node:path';
import { parseCommandLine, runCommand } from '../engine/command-line.js';
import { kitRoot } from '../paths.js';
import { buildDecks, slidesOutDir } from '../slides/build.js';
import { slideCharts } from './slide-charts.js';

const usage = 'usage: npm run slides -- [deck ...] [--out DIR]';

function parseArguments(argv: readonly string[]): { only: string[]; outDir: string } {
  const { values, positionals } = parseCommandLine(argv, { usage, allowPositionals: true, options: { out: { type: 'string' } } });
  return { only: positionals, outDir: values.out === undefined ? slidesOutDir : resolve(values.out) };
}

async function main(): Promise<number> {
  const options = parseArguments(process.argv.slice(2));
  const started = performance.now();
  try {
    const built = await buildDecks({ ...options, charts: slideCharts, log: (line) => console.log(line) });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`built ${built.length} deck(s) in ${seconds} s into ${relative(kitRoot, options.outDir) || '.'}/: open one in a browser`);
    return 0;
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 1;
  }
}

await runCommand(main);
