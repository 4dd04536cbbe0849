/**
 * `npm start`: registers the tslab (TypeScript) kernel with Jupyter and opens
 * Jupyter on notebooks/. Arguments after `--` go to Jupyter, e.g.
 * `npm start -- --no-browser --port 9000`. Ctrl-C stops Jupyter. A bad
 * --port: one line, exit code 2.
 */
import { parseArgs } from 'node:util';
import { parseCommandLine, readWholeNumber, runCommand, UsageError } from '../engine/command-line.js';
import { findJupyter, installHelp, registerKernel, startNotebookServer } from './jupyter.js';

interface StartCommand {
  openBrowser: boolean;
  port: number;
  /** Everything else, in order, for Jupyter. */
  jupyterArguments: string[];
}

const KIT_OPTIONS = { port: { type: 'string' }, 'no-browser': { type: 'boolean' } } as const;

/** Reads --no-browser and --port (the kit passes them on itself); every other argument is Jupyter's. */
function parseArguments(argv: readonly string[]): StartCommand {
  // Not strict: an option the kit does not know is Jupyter's, not a mistake.
  const { tokens } = parseArgs({ args: [...argv], options: KIT_OPTIONS, allowPositionals: true, strict: false, tokens: true });
  const ours = new Set<number>();
  for (const token of tokens) {
    if (token.kind !== 'option' || !Object.hasOwn(KIT_OPTIONS, token.name)) continue;
    ours.add(token.index);
    if (token.value !== undefined && !token.inlineValue) ours.add(token.index + 1);
  }
  const { values } = parseCommandLine(
    argv.filter((_, index) => ours.has(index)),
    { options: KIT_OPTIONS },
  );
  const port = values.port === undefined ? 8888 : readWholeNumber(values.port, '--port');
  if (port > 65535) throw new UsageError(`--port must be a port number from 0 to 65535, got "${values.port}"`);
  return { openBrowser: !values['no-browser'], port, jupyterArguments: argv.filter((_, index) => !ours.has(index)) };
}

async function main(): Promise<number> {
  const command = parseArguments(process.argv.slice(2));
  const jupyter = findJupyter();
  if (!jupyter) {
    console.error(installHelp);
    return 1;
  }
  try {
    registerKernel(jupyter.python);
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
  const server = await startNotebookServer({
    jupyter,
    openBrowser: command.openBrowser,
    port: command.port,
    extraArguments: command.jupyterArguments,
    onLog: (line) => process.stderr.write(`${line}\n`),
  }).catch((error: Error) => error);
  if (server instanceof Error) {
    console.error(server.message);
    return 1;
  }
  console.log(`\nThe course is open at ${server.url}`);
  console.log('Open notebooks/00-welcome.ipynb first. Press Ctrl-C to stop Jupyter.\n');
  const stop = () => void server.stop();
  // Jupyter runs in a process group of its own (jupyter.ts): whatever ends us (Ctrl-C, kill, a closed terminal) stops it.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, stop);
  return new Promise((resolve) => server.process.once('exit', (code) => resolve(code ?? 0)));
}

await runCommand(main);
