/**
 * `npm run chart -- <config.json> <out.png> [--width px] [--height px] [--scale n]`:
 * renders a chart.js configuration (JSON) to a PNG file, the same way notebooks
 * and slides do. For instructors who want a chart in a handout or an issue.
 * Exit code 2 on bad input, with one line naming what was wrong.
 */
import { readFileSync } from 'node:fs';
import type { ChartConfiguration } from 'chart.js';
import { parseCommandLine, readPositiveNumber, runCommand, UsageError } from '../engine/command-line.js';
import { saveChartPng, type ChartSize } from '../notebook/charts.js';

const usage = 'usage: npm run chart -- <config.json> <out.png> [--width px] [--height px] [--scale n]';

interface ChartCommand {
  configPath: string;
  outPath: string;
  size: ChartSize;
}

function parseArguments(argv: readonly string[]): ChartCommand {
  const { values, positionals } = parseCommandLine(argv, {
    usage,
    allowPositionals: true,
    options: { width: { type: 'string' }, height: { type: 'string' }, scale: { type: 'string' } },
  });
  const size: ChartSize = {};
  for (const dimension of ['width', 'height', 'scale'] as const) {
    const text = values[dimension];
    if (text !== undefined) size[dimension] = readPositiveNumber(text, `--${dimension}`);
  }
  if (positionals.length !== 2) throw new UsageError(`expected a config file and an output file; ${usage}`);
  return { configPath: positionals[0], outPath: positionals[1], size };
}

function readConfig(path: string): ChartConfiguration {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`config file ${path} cannot be read (does it exist?)`);
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`config file ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const shape = config as { type?: unknown; data?: unknown };
  if (typeof shape !== 'object' || shape === null || typeof shape.type !== 'string' || typeof shape.data !== 'object') {
    throw new UsageError(`config file ${path} must hold a chart.js configuration: an object with "type" and "data"`);
  }
  return config as ChartConfiguration;
}

async function main(): Promise<number> {
  const command = parseArguments(process.argv.slice(2));
  const config = readConfig(command.configPath);
  try {
    await saveChartPng(command.outPath, config, command.size);
  } catch (error) {
    console.error(`error: cannot draw ${command.configPath}: ${(error as Error).message}`);
    return 1;
  }
  console.log(`wrote ${command.outPath}`);
  return 0;
}

await runCommand(main);
