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
import { RaceOptionError } from './options.js';
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
  let race: RaceHandle;
  try {
    race = startRace({ ...command.options, onFrame: view ? (snapshot) => view.draw(snapshot) : undefined, frameMs: 50 });
  } catch (error) {
    throw error instanceof RaceOptionError ? asUsageError(error) : error;
  }

  const { rules, runtime } = race.options;
  const description =
    `${rules.penguins} penguins, ${rules.flies} flies, track ${rules.length}, ` +
    `${runtime} runtime, ${rules.clock} clock, seed ${rules.seed}`;
  let signals = 0;
  const onSignal = (): void => {
    if (signals++ === 0) race.stop();
    if (!command.json)
      process.stderr.write(signals === 1 ? '\nstopping the race...\n' : 'still stopping (every worker and child is being ended)...\n');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    race.ready.then(
      (info) => {
        const where = info.address ? `, server on ${info.address.host}:${info.address.port}` : '';
        const line = `Race started: ${description}${where} (ready in ${info.startupMs.toFixed(0)} ms; Ctrl-C stops it)`;
        // With --json, stdout holds the JSON only: the note goes to stderr.
        if (command.json) process.stderr.write(`${line}\n`);
        else if (!view) console.log(line);
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
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

await runCommand(() => main(process.argv.slice(2)), { label: 'race', hint: '(--help shows the options)' });
