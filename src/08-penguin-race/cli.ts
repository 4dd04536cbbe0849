/**
 * `npm run race -- --runtime async|threads|processes|net --penguins N --flies M
 * --length L --seed S [--latency a-b] [--no-animation] [--json]`
 *
 * A live ASCII track when stdout is a terminal, then the results table (or, with
 * --json, the result as JSON for scripts). Ctrl-C (SIGINT) or SIGTERM stops the
 * race cleanly: every worker and child is ended, and the partial standings are
 * printed (exit code 0). A bad option prints one line naming it (exit code 2).
 */
import { runCommand } from '../engine/command-line.js';
import { asUsageError, parseRaceArguments, RACE_USAGE } from './cli-arguments.js';
import { normalizeRaceOptions, RaceOptionError } from './options.js';
import type { RaceSnapshot } from './snapshot.js';
import { startRace, type RaceHandle } from './race.js';
import { formatResults } from './results-table.js';
import { TerminalView } from './terminal-view.js';
import { renderTrackText } from './track-view.js';

export async function main(argv: readonly string[]): Promise<number> {
  const command = parseRaceArguments(argv);
  if (command.help) {
    console.log(RACE_USAGE);
    return 0;
  }
  const live = command.animation && !command.json && process.stdout.isTTY === true;
  const view = live ? new TerminalView(process.stdout) : undefined;
  // Signals are handled from the first moment: starting 150 child processes takes seconds, and a
  // Ctrl-C then must stop the start-up and still print the standings, not kill the program.
  const stopping = new AbortController();
  let signals = 0;
  const onSignal = (): void => {
    if (signals++ === 0) stopping.abort();
    if (!command.json)
      process.stderr.write(signals === 1 ? '\nstopping the race...\n' : 'still stopping (every worker and child is being ended)...\n');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await runRace(command, view, stopping.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function runRace(
  command: ReturnType<typeof parseRaceArguments>,
  view: TerminalView | undefined,
  signal: AbortSignal,
): Promise<number> {
  const options = { ...command.options, signal, onFrame: view ? (snapshot: RaceSnapshot) => view.draw(snapshot) : undefined, frameMs: 50 };
  try {
    normalizeRaceOptions(options); // a bad option: one line, exit code 2, before anything starts
  } catch (error) {
    throw error instanceof RaceOptionError ? asUsageError(error) : error;
  }
  // With --json, stdout holds the JSON only: notes go to stderr.
  const note = (line: string): void => void (command.json ? process.stderr.write(`${line}\n`) : console.log(line));
  note('Starting the race (Ctrl-C stops it)...');
  const race: RaceHandle = startRace(options);

  const { rules, runtime } = race.options;
  const description =
    `${rules.penguins} penguins, ${rules.flies} flies, track ${rules.length}, ` +
    `${runtime} runtime, ${rules.clock} clock, seed ${rules.seed}`;
  try {
    race.ready.then(
      (info) => {
        const where = info.address ? `, server on ${info.address.host}:${info.address.port}` : '';
        const line = `Race started: ${description}${where} (ready in ${info.startupMs.toFixed(0)} ms; Ctrl-C stops it)`;
        if (command.json || !view) note(line);
      },
      () => undefined,
    );
    const result = await race.result;
    view?.finish();
    if (command.json) {
      console.log(JSON.stringify(result));
    } else {
      if (!view) console.log(renderTrackText(race.snapshot(), { width: 80, label: `${runtime}, ${rules.clock} clock` }));
      console.log(`\n${formatResults(result)}`);
    }
    return 0;
  } catch (error) {
    view?.finish();
    console.error(`race: ${(error as Error).message ?? String(error)}`);
    return 1;
  }
}

await runCommand(() => main(process.argv.slice(2)), { label: 'race', hint: '(--help shows the options)' });
