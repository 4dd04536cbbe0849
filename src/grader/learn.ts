/**
 * `npm run learn`: the exercises one by one, as Rustlings does. It shows the
 * progress (kept in `.learn-progress.json`), runs the current exercise's
 * tests every time one of its files is saved, and reads single keys:
 * `h` the next hint, `n` the next exercise, `q` quit.
 *
 * The session logic is here, apart from the terminal, so it can be driven by
 * a test: `LearnSession` takes the keys and writes to any `write` function.
 * Without a terminal (a pipe, CI), the command runs the current exercise once,
 * prints the status and exits: 0 if it passes, 1 if not.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gradeExercise } from './grade.js';
import { chooseIsolation } from './sandbox/launch.js';
import { TypeCheckService } from './typecheck/service.js';
import { exerciseFolder, findExercise, type Course, type ExerciseSpec } from './manifest.js';
import { formatTests } from './report.js';
import type { ExerciseResult } from './results.js';

export interface Progress {
  /** Exercises whose tests passed, by name. */
  done: string[];
  /** The exercise being worked on (default: the first not done). */
  current?: string;
  /** How many hints of each exercise were shown. */
  hintsShown: Record<string, number>;
}

export function loadProgress(path: string): Progress {
  if (!existsSync(path)) return { done: [], hintsShown: {} };
  try {
    const raw = JSON.parse(readFileSync(path, 'utf8')) as Partial<Progress>;
    return {
      done: Array.isArray(raw.done) ? raw.done.filter((name) => typeof name === 'string') : [],
      current: typeof raw.current === 'string' ? raw.current : undefined,
      hintsShown: typeof raw.hintsShown === 'object' && raw.hintsShown !== null ? raw.hintsShown : {},
    };
  } catch {
    return { done: [], hintsShown: {} }; // a damaged file starts over rather than stopping the student
  }
}

export function saveProgress(path: string, progress: Progress): void {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, JSON.stringify(progress, null, 2) + '\n');
  renameSync(temporary, path);
}

/** `[####------] 4/10 done` */
export function progressLine(course: Course, progress: Progress, width = 20): string {
  const total = course.exercises.length;
  const done = course.exercises.filter((exercise) => progress.done.includes(exercise.name)).length;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} done`;
}

export interface LearnOptions {
  course: Course;
  /** Where progress is kept (default `<root>/.learn-progress.json`). */
  progressPath?: string;
  /** Start with this exercise. */
  exercise?: string;
  /** Where the session writes (default: stdout). */
  write?: (text: string) => void;
  /** A terminal session (watch mode): clears the screen before each run and offers the keys. */
  interactive?: boolean;
}

export class LearnSession {
  readonly course: Course;
  readonly progressPath: string;
  progress: Progress;
  private readonly write: (text: string) => void;
  private readonly interactive: boolean;
  private running: Promise<ExerciseResult | undefined> | undefined;
  private rerun = false;
  private controller = new AbortController();
  /** Kept warm between runs (a run after a save then type-checks in a fraction of a second); ended by close(). */
  private typeChecker: TypeCheckService | undefined;
  lastResult: ExerciseResult | undefined;

  constructor(options: LearnOptions) {
    this.course = options.course;
    this.progressPath = options.progressPath ?? join(options.course.root, '.learn-progress.json');
    this.progress = loadProgress(this.progressPath);
    this.write = options.write ?? ((text) => process.stdout.write(text));
    this.interactive = options.interactive ?? false;
    if (options.exercise) {
      this.progress.current = findExercise(this.course, options.exercise).name;
    } else if (
      this.progress.current &&
      (this.progress.done.includes(this.progress.current) ||
        !this.course.exercises.some((exercise) => exercise.name === this.progress.current))
    ) {
      this.progress.current = undefined; // start at the first exercise not done
    }
  }

  /** The exercise worked on: the chosen one, or the first not done (undefined when all are done). */
  get current(): ExerciseSpec | undefined {
    if (this.progress.current) return findExercise(this.course, this.progress.current);
    return this.course.exercises.find((exercise) => !this.progress.done.includes(exercise.name));
  }

  /** The folder whose files are watched. */
  folderOf(exercise: ExerciseSpec): string {
    return exerciseFolder(this.course, 'exercises', exercise);
  }

  private header(exercise: ExerciseSpec): string {
    const index = this.course.exercises.indexOf(exercise) + 1;
    const folder = relative(process.cwd(), this.folderOf(exercise)) || '.';
    return (
      `${progressLine(this.course, this.progress)}\n\n` +
      `Exercise ${index}/${this.course.exercises.length}: ${exercise.title} (${exercise.name})\n` +
      `Read ${join(folder, 'README.md')}; write ${exercise.files.map((file) => join(folder, file)).join(', ')}\n`
    );
  }

  /** Runs the current exercise's tests (again after it if a save came meanwhile); returns the result. */
  async runCurrent(): Promise<ExerciseResult | undefined> {
    if (this.running) {
      this.rerun = true;
      return this.running;
    }
    this.running = this.runLoop();
    try {
      return await this.running;
    } finally {
      this.running = undefined;
    }
  }

  private async runLoop(): Promise<ExerciseResult | undefined> {
    let result: ExerciseResult | undefined;
    do {
      this.rerun = false;
      result = await this.runOnce();
    } while (this.rerun && !this.controller.signal.aborted);
    return result;
  }

  private async runOnce(): Promise<ExerciseResult | undefined> {
    const exercise = this.current;
    if (!exercise) {
      this.write(`${progressLine(this.course, this.progress)}\n\nEvery exercise passes. Well done!\n`);
      return undefined;
    }
    // The exercise stays current, even once it passes, until the student moves on with "n".
    this.progress.current = exercise.name;
    if (this.interactive) this.write('\x1b[2J\x1b[H');
    this.write(`${this.header(exercise)}\nrunning the tests...\n`);
    this.typeChecker ??= new TypeCheckService(chooseIsolation('best').isolation);
    const result = await gradeExercise(this.course, exercise, this.course.exercisesDir, {
      testsFrom: 'exercises',
      isolation: 'best',
      typeChecker: this.typeChecker,
      signal: this.controller.signal,
    });
    this.lastResult = result;
    this.write(`${formatTests(result)}\n\n`);
    if (result.status === 'pass') {
      if (!this.progress.done.includes(exercise.name)) this.progress.done.push(exercise.name);
      saveProgress(this.progressPath, this.progress);
      this.write(
        `✓ ${exercise.name} passes. ` +
          `${this.interactive ? 'Press n for the next exercise.' : 'Run npm run learn again for the next one.'}\n`,
      );
    } else if (this.interactive) {
      this.write('Not yet. Save a file to run the tests again; h: hint, n: next exercise, q: quit.\n');
    } else {
      this.write('Not yet. Fix the code and run npm run learn again (in a terminal it watches your files; h there shows hints).\n');
    }
    return result;
  }

  /** The next hint of the current exercise (the last one again once all were shown). */
  hint(): string {
    const exercise = this.current;
    if (!exercise) return 'No exercise left.';
    if (exercise.hints.length === 0) return `No hints for ${exercise.name}: read its README.md again.`;
    const shown = Math.min((this.progress.hintsShown[exercise.name] ?? 0) + 1, exercise.hints.length);
    this.progress.hintsShown[exercise.name] = shown;
    saveProgress(this.progressPath, this.progress);
    return `Hint ${shown}/${exercise.hints.length}: ${exercise.hints[shown - 1]}`;
  }

  /** Moves to the next exercise in course order (whether or not this one passed). */
  next(): ExerciseSpec | undefined {
    const exercise = this.current;
    const index = exercise ? this.course.exercises.indexOf(exercise) : this.course.exercises.length;
    const following =
      this.course.exercises.slice(index + 1).find((candidate) => !this.progress.done.includes(candidate.name)) ??
      this.course.exercises[index + 1];
    this.progress.current = following?.name;
    saveProgress(this.progressPath, this.progress);
    return following;
  }

  /**
   * One key from the terminal: "h" hint, "n" next exercise, "q" (or Ctrl-C)
   * quit. Returns "quit" when the session should end.
   */
  async key(key: string): Promise<'quit' | undefined> {
    if (key === 'q' || key === '\u0003') {
      this.close();
      return 'quit';
    }
    if (key === 'h') this.write(`\n${this.hint()}\n`);
    if (key === 'n') {
      const next = this.next();
      if (next) await this.runCurrent();
      else this.write('\nThat was the last exercise.\n');
    }
    return undefined;
  }

  /** Ends the run in progress, if any. */
  stop(): void {
    this.controller.abort();
    this.controller = new AbortController();
  }

  /** Ends the run in progress and the type checker: the session is over. */
  close(): void {
    this.stop();
    this.typeChecker?.close();
    this.typeChecker = undefined;
  }
}
