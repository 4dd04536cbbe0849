/**
 * `npm run learn [-- --exercise name] [--root folder] [--progress file] [--list]`
 *
 * In a terminal: watch mode (learn.ts). Tests run when a file of the current
 * exercise is saved; keys: h hint, n next exercise, q quit.
 * Without a terminal: runs the current exercise once, prints the status, and
 * exits 0 if it passes, 1 if not. `--list` prints every exercise and whether it is done.
 */
import { watch, type FSWatcher } from 'node:fs';
import { resolve } from 'node:path';
import { parseCommandLine, runCommand } from '../../engine/command-line.js';
import { kitRoot } from '../../paths.js';
import { LearnSession, progressLine } from '../learn.js';
import { loadCourse } from '../manifest.js';

const usage = 'usage: npm run learn -- [--exercise name] [--root folder] [--progress file] [--list]';

interface LearnCommand {
  root: string;
  exercise?: string;
  progress?: string;
  list: boolean;
}

function parseArguments(argv: readonly string[]): LearnCommand {
  const { values } = parseCommandLine(argv, {
    usage,
    options: {
      root: { type: 'string' },
      exercise: { type: 'string' },
      progress: { type: 'string' },
      list: { type: 'boolean' },
    },
  });
  return {
    root: values.root === undefined ? kitRoot : resolve(values.root),
    exercise: values.exercise,
    progress: values.progress === undefined ? undefined : resolve(values.progress),
    list: values.list ?? false,
  };
}

async function watchMode(session: LearnSession): Promise<void> {
  let watcher: FSWatcher | undefined;
  let debounce: NodeJS.Timeout | undefined;
  const watchCurrent = () => {
    watcher?.close();
    const exercise = session.current;
    if (!exercise) return;
    watcher = watch(session.folderOf(exercise), (_event, file) => {
      if (!file || !/\.ts$/.test(file.toString())) return;
      clearTimeout(debounce);
      debounce = setTimeout(() => void session.runCurrent(), 200);
    });
  };
  // Keys are read from the start, also while the tests run (q then stops them).
  process.stdin.setRawMode(true);
  process.stdin.resume();
  watchCurrent();
  const first = session.runCurrent();
  await new Promise<void>((resolveQuit) => {
    // Several keys may arrive in one chunk (typed while the tests ran): one at a time, in order.
    let keys = Promise.resolve();
    const onKey = (data: Buffer) => {
      for (const key of data.toString('utf8')) {
        keys = keys.then(async () => {
          const before = session.current?.name;
          if ((await session.key(key)) === 'quit') {
            process.stdin.off('data', onKey);
            resolveQuit();
          } else if (session.current?.name !== before) {
            watchCurrent();
          }
        });
      }
    };
    process.stdin.on('data', onKey);
  });
  clearTimeout(debounce);
  watcher?.close();
  await first;
  process.stdin.setRawMode(false);
  process.stdin.pause();
  process.stdout.write('\nProgress saved. Bye!\n');
}

async function main(): Promise<number> {
  const command = parseArguments(process.argv.slice(2));
  const course = loadCourse(command.root);
  if (course.exercises.length === 0) throw new Error(`${course.manifestPath} lists no exercises yet`);
  const terminal = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const session = new LearnSession({ course, progressPath: command.progress, exercise: command.exercise, interactive: terminal });
  if (command.list) {
    console.log(progressLine(course, session.progress));
    for (const exercise of course.exercises) {
      const mark = session.progress.done.includes(exercise.name) ? 'done' : exercise === session.current ? 'now ' : '    ';
      console.log(`  ${mark}  ${exercise.name.padEnd(20)} ${exercise.title}`);
    }
    return 0;
  }
  try {
    if (!terminal) {
      const result = await session.runCurrent();
      return result === undefined || result.status === 'pass' ? 0 : 1;
    }
    await watchMode(session);
    return 0;
  } finally {
    session.close();
  }
}

await runCommand(main, { otherErrorsExitCode: 2 });
