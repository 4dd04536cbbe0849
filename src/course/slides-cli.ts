/**
 * `npm run slides [-- deck... --out DIR]`: builds slides/NN-topic.md into
 * self-contained slides/dist/NN-topic.html (all decks, or the ones named, e.g.
 * `04` or `04-pools`; `--out` writes elsewhere). Open the HTML in any browser:
 * → and ← move, `s` shows the speaker notes, printing gives one slide per page.
 * Exit code 1 when a deck cannot be built, 2 on bad arguments.
 */
import { relative, resolve } from 'node:path';
import { kitRoot } from '../paths.js';
import { buildDecks, slidesOutDir } from '../slides/build.js';
import { slideCharts } from './slide-charts.js';

const usage = 'usage: npm run slides -- [deck ...] [--out DIR]';

function parseArguments(argv: string[]): { only: string[]; outDir: string } {
  const only: string[] = [];
  let outDir = slidesOutDir;
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--out') {
      const dir = argv[++i];
      if (!dir) throw new Error(`--out needs a folder; ${usage}`);
      outDir = resolve(dir);
    } else if (argv[i].startsWith('-')) {
      throw new Error(`unknown option ${argv[i]}; ${usage}`);
    } else {
      only.push(argv[i]);
    }
  }
  return { only, outDir };
}

async function main(): Promise<number> {
  let options: ReturnType<typeof parseArguments>;
  try {
    options = parseArguments(process.argv.slice(2));
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 2;
  }
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

process.exitCode = await main();
