/**
 * The type-check server: a long-lived process (in the OS sandbox when there is
 * one) that type-checks a submission's files together with the tests and
 * emits their JavaScript. Requests and answers are JSON lines on stdin and
 * stdout; it exits when stdin closes (its grader is gone).
 *
 * The files never touch a disk: they live in a virtual folder,
 * `<kit>/.grading/<id>/`, from which module resolution walks up to the kit's
 * node_modules for `course-kit`, `@types/node` and the packages. The standard
 * library and the packages' declarations are parsed once and kept for every
 * later request, which is most of a type check's cost.
 *
 * Why a process of its own: a type can be written that makes the checker run
 * for minutes or exhaust its heap (a "type bomb"). Here that costs the server,
 * which the grader kills and restarts, and the one exercise, never the grader.
 */
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import ts from 'typescript';
import { kitRoot } from '../../paths.js';

export interface TypeCheckRequest {
  id: number;
  /** Relative path → source: the student's files, the test file and helpers. */
  files: Record<string, string>;
}

export interface TypeCheckDiagnostic {
  /** Relative to the submission's folder; absent for a global diagnostic. */
  file?: string;
  /** 1-based. */
  line?: number;
  column?: number;
  /** "sum.ts(2,3): error TS2322: Type 'string' is not assignable to type 'number'." */
  text: string;
}

export interface TypeCheckAnswer {
  id: number;
  ok: boolean;
  diagnostics: TypeCheckDiagnostic[];
  /** Relative path (.js) → JavaScript, when ok. */
  outputs: Record<string, string>;
  durationMs: number;
}

/** The options submissions are checked with: the kit's, minus noUnusedLocals (a stray variable should not cost points). */
function compilerOptions(): ts.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noFallthroughCasesInSwitch: true,
    esModuleInterop: true,
    skipLibCheck: true,
    resolveJsonModule: true,
    types: ['node', 'mocha'],
    typeRoots: [join(kitRoot, 'node_modules', '@types')],
    noEmitOnError: true,
    inlineSourceMap: true,
    newLine: ts.NewLineKind.LineFeed,
  };
}

const MAX_DIAGNOSTICS = 20;
/** Parsed files from outside the virtual folder (lib, @types, packages), shared by every request. */
const sharedSourceFiles = new Map<string, ts.SourceFile>();

function check(request: TypeCheckRequest): TypeCheckAnswer {
  const started = performance.now();
  const folder = join(kitRoot, '.grading', String(request.id));
  const inFolder = (path: string) => path.startsWith(folder + '/');
  const virtual = new Map(Object.entries(request.files).map(([file, text]) => [join(folder, file), text]));
  const options = compilerOptions();
  const host = ts.createCompilerHost(options, true);
  const read = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  const outputs: Record<string, string> = {};
  host.getCurrentDirectory = () => folder;
  host.fileExists = (path) => (inFolder(path) ? virtual.has(path) : ts.sys.fileExists(path));
  host.readFile = (path) => (inFolder(path) ? virtual.get(path) : read(path));
  host.directoryExists = (path) =>
    path === folder || [...virtual.keys()].some((file) => file.startsWith(path + '/')) || ts.sys.directoryExists(path);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (inFolder(fileName)) {
      const text = virtual.get(fileName);
      return text === undefined ? undefined : ts.createSourceFile(fileName, text, languageVersion, true);
    }
    const format =
      typeof languageVersion === 'object'
        ? `${languageVersion.languageVersion}:${languageVersion.impliedNodeFormat}`
        : String(languageVersion);
    const key = `${format}|${fileName}`;
    let file = sharedSourceFiles.get(key);
    if (!file) {
      file = getSourceFile(fileName, languageVersion, onError, shouldCreate);
      if (file) sharedSourceFiles.set(key, file);
    }
    return file;
  };
  host.writeFile = (fileName, text) => {
    if (inFolder(fileName)) outputs[fileName.slice(folder.length + 1)] = text;
  };
  const rootNames = [...virtual.keys()].filter((file) => file.endsWith('.ts'));
  const program = ts.createProgram({ rootNames, options, host });
  const errors = ts.getPreEmitDiagnostics(program).filter((d) => d.category === ts.DiagnosticCategory.Error);
  const describe = (d: ts.Diagnostic): TypeCheckDiagnostic => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return { text: `error TS${d.code}: ${message}` };
    const file = inFolder(d.file.fileName) ? d.file.fileName.slice(folder.length + 1) : d.file.fileName;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return { file, line: line + 1, column: character + 1, text: `${file}(${line + 1},${character + 1}): error TS${d.code}: ${message}` };
  };
  if (errors.length > 0) {
    const diagnostics = errors.slice(0, MAX_DIAGNOSTICS).map(describe);
    if (errors.length > MAX_DIAGNOSTICS) diagnostics.push({ text: `... and ${errors.length - MAX_DIAGNOSTICS} more type errors` });
    return { id: request.id, ok: false, diagnostics, outputs: {}, durationMs: performance.now() - started };
  }
  const emitted = program.emit();
  const emitErrors = emitted.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  return {
    id: request.id,
    ok: !emitted.emitSkipped && emitErrors.length === 0,
    diagnostics: emitErrors.map(describe),
    outputs,
    durationMs: performance.now() - started,
  };
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  const request = JSON.parse(line) as TypeCheckRequest;
  process.stdout.write(JSON.stringify(check(request)) + '\n');
});
lines.on('close', () => process.exit(0));
