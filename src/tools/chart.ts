/**
 * `npm run chart -- <config.json> <out.png> [--width px] [--height px] [--scale n]`:
 * renders a chart.js configuration (JSON) to a PNG file, the same way notebooks
 * and slides do. For instructors who want a chart in a handout or an issue.
 * Exit code 2 on bad input, with one line naming what was wrong.
 */
import { readFileSync } from 'node:fs';
import type { ChartConfiguration } from 'chart.js';
import { saveChartPng, type ChartSize } from '../notebook/charts.js';

const usage = 'usage: npm run chart -- <config.json> <out.png> [--width px] [--height px] [--scale n]';

interface ChartCommand {
  configPath: string;
  outPath: string;
  size: ChartSize;
}

function parseArguments(argv: string[]): ChartCommand {
  const positional: string[] = [];
  const size: ChartSize = {};
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    if (flag === '--width' || flag === '--height' || flag === '--scale') {
      const text = argv[++i];
      const value = Number(text);
      if (text === undefined || !(Number.isFinite(value) && value > 0)) {
        throw new Error(`${flag} must be a positive number, got ${text ?? 'nothing'}`);
      }
      size[flag.slice(2) as keyof ChartSize] = value;
    } else if (flag.startsWith('--')) {
      throw new Error(`unknown option ${flag}; ${usage}`);
    } else {
      positional.push(flag);
    }
  }
  if (positional.length !== 2) throw new Error(`expected a config file and an output file; ${usage}`);
  return { configPath: positional[0], outPath: positional[1], size };
}

function readConfig(path: string): ChartConfiguration {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`config file ${path} cannot be read (does it exist?)`);
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (error) {
    throw new Error(`config file ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const shape = config as { type?: unknown; data?: unknown };
  if (typeof shape !== 'object' || shape === null || typeof shape.type !== 'string' || typeof shape.data !== 'object') {
    throw new Error(`config file ${path} must hold a chart.js configuration: an object with "type" and "data"`);
  }
  return config as ChartConfiguration;
}

async function main(): Promise<number> {
  let command: ChartCommand;
  let config: ChartConfiguration;
  try {
    command = parseArguments(process.argv.slice(2));
    config = readConfig(command.configPath);
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 2;
  }
  try {
    await saveChartPng(command.outPath, config, command.size);
  } catch (error) {
    console.error(`error: cannot draw ${command.configPath}: ${(error as Error).message}`);
    return 1;
  }
  console.log(`wrote ${command.outPath}`);
  return 0;
}

process.exitCode = await main();
