/**
 * The marker language that turns an instructor's solution into a student's
 * starter, as nbgrader does with `### BEGIN SOLUTION`:
 *
 * - `// BEGIN SOLUTION` ... `// END SOLUTION`: the answer. In the starter the
 *   whole region (markers included) becomes one line, indented like the BEGIN
 *   marker: the region's `// STUB: <code>` lines with the prefix taken off, or,
 *   when it has none, `throw new Error('Not implemented yet: <exercise> ...')`.
 * - `// BEGIN HIDDEN TESTS` ... `// END HIDDEN TESTS`: tests only the grader
 *   runs. The starter drops the region, markers included.
 *
 * Markers must be alone on their line (leading spaces allowed), must not nest,
 * and must be closed; a mistake is an error naming the file and the line.
 */

export const SOLUTION_BEGIN = '// BEGIN SOLUTION';
export const SOLUTION_END = '// END SOLUTION';
export const HIDDEN_BEGIN = '// BEGIN HIDDEN TESTS';
export const HIDDEN_END = '// END HIDDEN TESTS';
const STUB_PREFIX = '// STUB:';

/** The line a SOLUTION region without a STUB becomes. */
export function notImplementedLine(exerciseName: string): string {
  return `throw new Error('Not implemented yet: ${exerciseName} — see README.md and the hints (npm run learn)');`;
}

export interface Region {
  /** 1-based line numbers of the BEGIN and END markers. */
  beginLine: number;
  endLine: number;
}

type MarkerKind = 'solution' | 'hidden';

interface MarkerLine {
  kind: MarkerKind;
  begins: boolean;
}

function markerOf(line: string): MarkerLine | undefined {
  switch (line.trim()) {
    case SOLUTION_BEGIN:
      return { kind: 'solution', begins: true };
    case SOLUTION_END:
      return { kind: 'solution', begins: false };
    case HIDDEN_BEGIN:
      return { kind: 'hidden', begins: true };
    case HIDDEN_END:
      return { kind: 'hidden', begins: false };
    default:
      return undefined;
  }
}

/** Splits text into lines, whatever its line endings. */
function linesOf(text: string): string[] {
  return text.replace(/\r\n?/g, '\n').split('\n');
}

/** Every region of both kinds, checked for balance; `fileName` only names the file in errors. */
export function findRegions(text: string, fileName: string): { solution: Region[]; hidden: Region[] } {
  const found: { solution: Region[]; hidden: Region[] } = { solution: [], hidden: [] };
  let open: { kind: MarkerKind; line: number } | undefined;
  linesOf(text).forEach((line, index) => {
    const marker = markerOf(line);
    if (!marker) return;
    const lineNumber = index + 1;
    const name = marker.kind === 'solution' ? 'SOLUTION' : 'HIDDEN TESTS';
    if (marker.begins) {
      if (open) {
        throw new Error(`${fileName}:${lineNumber}: BEGIN ${name} inside the region opened at line ${open.line}; regions cannot nest`);
      }
      open = { kind: marker.kind, line: lineNumber };
    } else {
      if (!open || open.kind !== marker.kind) {
        throw new Error(`${fileName}:${lineNumber}: END ${name} without a matching BEGIN ${name}`);
      }
      found[marker.kind].push({ beginLine: open.line, endLine: lineNumber });
      open = undefined;
    }
  });
  if (open) {
    const name = open.kind === 'solution' ? 'SOLUTION' : 'HIDDEN TESTS';
    throw new Error(`${fileName}:${open.line}: BEGIN ${name} is never closed (add a line "// END ${name}")`);
  }
  return found;
}

/**
 * The student's version of one file: SOLUTION regions replaced by their stub,
 * HIDDEN TESTS regions removed. Line endings become "\n".
 */
export function toStarter(text: string, fileName: string, exerciseName: string): string {
  const regions = findRegions(text, fileName);
  const lines = linesOf(text);
  const output: string[] = [];
  const solutionAt = new Map(regions.solution.map((region) => [region.beginLine, region]));
  const hiddenAt = new Map(regions.hidden.map((region) => [region.beginLine, region]));
  for (let index = 0; index < lines.length; index += 1) {
    const lineNumber = index + 1;
    const solution = solutionAt.get(lineNumber);
    const hidden = hiddenAt.get(lineNumber);
    if (solution) {
      const indent = /^\s*/.exec(lines[index])![0];
      const inside = lines.slice(solution.beginLine, solution.endLine - 1);
      const stubs = inside
        .map((line) => line.trim())
        .filter((line) => line.startsWith(STUB_PREFIX))
        .map((line) => line.slice(STUB_PREFIX.length).trim());
      const replacement = stubs.length > 0 ? stubs : [notImplementedLine(exerciseName)];
      output.push(...replacement.map((line) => indent + line));
      index = solution.endLine - 1;
    } else if (hidden) {
      index = hidden.endLine - 1;
    } else {
      output.push(lines[index]);
    }
  }
  return output.join('\n');
}

/** Whether a (generated) file still holds any marker: a starter never should. */
export function hasMarkers(text: string): boolean {
  return linesOf(text).some((line) => markerOf(line) !== undefined);
}

/** The 1-based line ranges of HIDDEN TESTS regions (to tell hidden tests from visible ones). */
export function hiddenRanges(text: string, fileName: string): Region[] {
  return findRegions(text, fileName).hidden;
}
