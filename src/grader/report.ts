/**
 * Grading results for people and for tools: a plain-text table for the
 * terminal, an HTML table for notebooks, JUnit XML for CI dashboards, and the
 * class gradebook as CSV (one row per student, one column per exercise).
 */
import { firstProblem, sandboxNotes, type ExerciseResult, type SubmissionResult } from './results.js';

function oneLine(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= width ? flat : `${flat.slice(0, width - 1)}…`;
}

function formatPoints(points: number, maxPoints: number): string {
  const show = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1));
  return `${show(points)}/${show(maxPoints)}`;
}

/** Aligned plain-text columns. */
function columns(header: string[], rows: string[][]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => row[column].length)));
  const format = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]))
      .join('  ')
      .trimEnd();
  return [format(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(format)].join('\n');
}

/** A banner for results graded without the OS sandbox ('' when every one was sandboxed). */
export function sandboxBanner(results: SubmissionResult[]): string {
  return sandboxNotes(results)
    .map((note) => `!!! ${note} !!!`)
    .join('\n');
}

/** The terminal table of one submission: exercise, points, status, first problem. */
export function formatTable(result: SubmissionResult, messageWidth = 80): string {
  const rows = result.exercises.map((exercise) => [
    exercise.exercise,
    formatPoints(exercise.points, exercise.maxPoints),
    exercise.status,
    oneLine(firstProblem(exercise), messageWidth),
  ]);
  rows.push(['total', formatPoints(result.points, result.maxPoints), result.status, `score ${Math.round(result.score * 100)}%`]);
  const banner = sandboxBanner([result]);
  return (banner ? `${banner}\n` : '') + columns(['exercise', 'points', 'status', 'first problem'], rows);
}

/** Every test of an exercise, one line each (for a single exercise, or `--verbose`). */
export function formatTests(exercise: ExerciseResult, messageWidth = 100): string {
  const mark = { pass: 'ok  ', fail: 'FAIL', error: 'ERR ' } as const;
  const lines = exercise.tests.map((test) => {
    const tag = test.hidden ? ' (hidden)' : '';
    const head = `  ${mark[test.status]} ${test.name}${tag} [${formatPoints(test.points, test.maxPoints)}]`;
    return test.message ? `${head}\n         ${oneLine(test.message, messageWidth)}` : head;
  });
  if (exercise.message && exercise.tests.length === 0) lines.push(...exercise.message.split('\n').map((line) => `  ${line}`));
  const sandbox = exercise.sandbox ? ` (${exercise.sandbox})` : '';
  const head = `${exercise.exercise}: ${exercise.status} ${formatPoints(exercise.points, exercise.maxPoints)}${sandbox}`;
  return [head, ...lines].join('\n');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** An HTML table of one exercise's tests, for a notebook cell. */
export function formatHtml(exercise: ExerciseResult): string {
  const color = { pass: '#1a7f37', fail: '#cf222e', error: '#9a6700' } as const;
  const cell = 'style="padding:2px 8px;text-align:left;vertical-align:top"';
  const rows = exercise.tests.map(
    (test) =>
      `<tr><td ${cell}>${escapeHtml(test.name)}${test.hidden ? ' <i>(hidden)</i>' : ''}</td>` +
      `<td ${cell}>${formatPoints(test.points, test.maxPoints)}</td>` +
      `<td ${cell}><b style="color:${color[test.status]}">${test.status}</b></td>` +
      `<td ${cell}><pre style="margin:0;white-space:pre-wrap">${escapeHtml(test.message ?? '')}</pre></td></tr>`,
  );
  const message = exercise.message
    ? `<pre style="white-space:pre-wrap;color:${color[exercise.status]}">${escapeHtml(exercise.message)}</pre>`
    : '';
  const sandbox = exercise.sandbox ? `<p style="color:#cf222e"><b>${escapeHtml(exercise.sandbox)}</b></p>` : '';
  return (
    `<div><b>${escapeHtml(exercise.title)}</b> (${escapeHtml(exercise.exercise)}): ` +
    `<b style="color:${color[exercise.status]}">${exercise.status}</b>, ${formatPoints(exercise.points, exercise.maxPoints)} points` +
    sandbox +
    message +
    (rows.length > 0
      ? `<table><thead><tr><th ${cell}>test</th><th ${cell}>points</th><th ${cell}>status</th><th ${cell}>message</th></tr></thead>` +
        `<tbody>${rows.join('')}</tbody></table>`
      : '') +
    '</div>'
  );
}

function escapeXml(text: string): string {
  // Characters XML 1.0 cannot hold at all are dropped.
  return escapeHtml(text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, ''));
}

/** JUnit XML: one testsuite per submission and exercise, one testcase per test. */
export function formatJUnit(results: SubmissionResult[]): string {
  const suites = results.flatMap((submission) =>
    submission.exercises.map((exercise) => {
      const suiteName = results.length > 1 ? `${submission.submission}/${exercise.exercise}` : exercise.exercise;
      const failures = exercise.tests.filter((test) => test.status === 'fail').length;
      const errors =
        exercise.tests.filter((test) => test.status === 'error').length +
        (exercise.tests.length === 0 && exercise.status === 'error' ? 1 : 0);
      const cases = exercise.tests.map((test) => {
        const open = `    <testcase classname="${escapeXml(suiteName)}" name="${escapeXml(test.name)}" time="0">`;
        const output = test.output ? `\n      <system-out>${escapeXml(test.output)}</system-out>` : '';
        if (test.status === 'pass') return `${open}${output}</testcase>`;
        const tag = test.status === 'fail' ? 'failure' : 'error';
        return `${open}\n      <${tag} message="${escapeXml(test.message ?? test.status)}"/>${output}\n    </testcase>`;
      });
      if (exercise.tests.length === 0 && exercise.status === 'error') {
        cases.push(
          `    <testcase classname="${escapeXml(suiteName)}" name="grading" time="0">\n` +
            `      <error message="${escapeXml(exercise.message ?? 'error')}"/>\n    </testcase>`,
        );
      }
      return (
        `  <testsuite name="${escapeXml(suiteName)}" tests="${Math.max(cases.length, 0)}" failures="${failures}" errors="${errors}" ` +
        `time="${(exercise.durationMs / 1000).toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>`
      );
    }),
  );
  const notes = sandboxNotes(results);
  const name = notes.length > 0 ? ` name="${escapeXml(notes.join('; '))}"` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${name}>\n${suites.join('\n')}\n</testsuites>\n`;
}

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) || /^[=+\-@]/.test(text) ? `"${text.replace(/"/g, '""').replace(/^([=+\-@])/, "'$1")}"` : text;
}

/**
 * The gradebook: a header (student, each exercise, total, notes), a row of the
 * points each exercise is worth, then one row per student with the points
 * earned. Exercises are in course order. An exercise the grader could not
 * grade (a grader error, an interrupted run) has an empty cell, and the notes
 * column says why; a row graded without the OS sandbox says that too.
 */
export function formatGradebook(exerciseNames: string[], results: SubmissionResult[]): string {
  const header = ['student', ...exerciseNames, 'total', 'notes'];
  const maxByExercise = new Map<string, number>();
  for (const result of results) {
    for (const exercise of result.exercises)
      maxByExercise.set(exercise.exercise, Math.max(maxByExercise.get(exercise.exercise) ?? 0, exercise.maxPoints));
  }
  const maxRow: Array<string | number> = ['(max points)', ...exerciseNames.map((name) => maxByExercise.get(name) ?? 0)];
  maxRow.push(
    exerciseNames.reduce((sum, name) => sum + (maxByExercise.get(name) ?? 0), 0),
    '',
  );
  const rows = results.map((result) => {
    const byName = new Map(result.exercises.map((exercise) => [exercise.exercise, exercise]));
    const notGraded = (exercise: ExerciseResult | undefined) => !exercise || /^(grader error|not graded)/.test(exercise.message ?? '');
    const cells = exerciseNames.map((name) => (notGraded(byName.get(name)) ? '' : byName.get(name)!.points));
    const notes = [
      ...exerciseNames.filter((name) => notGraded(byName.get(name))).map((name) => `${name}: ${byName.get(name)?.message ?? 'not graded'}`),
      ...sandboxNotes([result]),
    ];
    const total = cells.reduce<number>((sum, value) => sum + (typeof value === 'number' ? value : 0), 0);
    return [result.submission, ...cells, total, notes.join('; ')];
  });
  return [header, maxRow, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}
