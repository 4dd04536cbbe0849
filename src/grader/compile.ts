/**
 * Stage one of grading, as in Exercism's TypeScript runner: type-check the
 * submission together with the tests. Type errors are the result (status
 * "error"); the tests do not run. When the types are right, the same program
 * emits JavaScript next to the sources, which the sandbox runs.
 *
 * Why compile here instead of running the tests through tsx: under Node 20's
 * permission model a loader such as tsx needs a worker thread, so every
 * sandbox would have to allow workers. Plain JavaScript needs no loader.
 *
 * Speed: loading the standard library and @types/node takes most of a type
 * check. Those files never change during a grading run, so their parsed source
 * files are kept (per thread) and shared by every later program.
 */
import { join } from 'node:path';
import ts from 'typescript';
import { kitRoot } from '../paths.js';

export interface CompileResult {
  ok: boolean;
  /** Formatted type errors ("crawler.ts(3,7): error TS2322: ..."), empty when ok. */
  errors: string[];
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

/** Parsed files from outside any work folder (lib, @types, packages), shared by every program in this thread. */
const sharedSourceFiles = new Map<string, ts.SourceFile>();

function cachingHost(options: ts.CompilerOptions, workDir: string): ts.CompilerHost {
  const host = ts.createCompilerHost(options, true);
  const original = host.getSourceFile.bind(host);
  const inWorkDir = (fileName: string) => fileName.startsWith(workDir + '/');
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (inWorkDir(fileName)) return original(fileName, languageVersion, onError, shouldCreate);
    const format = typeof languageVersion === 'object' ? `${languageVersion.languageVersion}:${languageVersion.impliedNodeFormat}` : String(languageVersion);
    const key = `${format}|${fileName}`;
    let file = sharedSourceFiles.get(key);
    if (!file) {
      file = original(fileName, languageVersion, onError, shouldCreate);
      if (file) sharedSourceFiles.set(key, file);
    }
    return file;
  };
  host.getCurrentDirectory = () => workDir;
  return host;
}

const maxErrors = 20;

/**
 * Type-checks every .ts file in `files` (absolute paths inside `workDir`) and,
 * if there is no error, writes the .js files next to them.
 */
export function typeCheckAndEmit(workDir: string, files: string[]): CompileResult {
  const started = performance.now();
  const options = compilerOptions();
  const host = cachingHost(options, workDir);
  const program = ts.createProgram({ rootNames: files, options, host });
  const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (diagnostics.length > 0) {
    const formatHost: ts.FormatDiagnosticsHost = {
      getCanonicalFileName: (fileName) => fileName,
      getCurrentDirectory: () => workDir,
      getNewLine: () => '\n',
    };
    const errors = diagnostics.slice(0, maxErrors).map((d) => ts.formatDiagnostic(d, formatHost).trim());
    if (diagnostics.length > maxErrors) errors.push(`... and ${diagnostics.length - maxErrors} more type errors`);
    return { ok: false, errors, durationMs: performance.now() - started };
  }
  const emitted = program.emit();
  const emitErrors = emitted.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  return {
    ok: !emitted.emitSkipped && emitErrors.length === 0,
    errors: emitErrors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    durationMs: performance.now() - started,
  };
}
