/**
 * What a test file holds, read from its source without running it: every
 * `it(...)` / `test(...)` with a literal title, its full mocha title (describe
 * titles joined by spaces), its points (`[3 pts]` in the title, default 1),
 * whether it sits in a HIDDEN TESTS region, and its code.
 *
 * This is the grader's plan: only the tests found here can earn points, at
 * the points written here, whatever the test process says it registered. So
 * every title must be a literal and unique (`testFileProblems` says where one
 * is not). Also used for the `test_code` of visible tests in results.json.
 */
import ts from 'typescript';
import { hiddenRanges } from './markers.js';

export interface ScannedTest {
  fullTitle: string;
  title: string;
  points: number;
  hidden: boolean;
  code: string;
}

const pointsTag = /\s*\[(\d+(?:\.\d+)?)\s*pts?\]\s*$/i;

/** Points written in a test title: "delivers every item once [3 pts]" → 3; none → 1. */
export function pointsOf(title: string): number {
  const match = pointsTag.exec(title);
  return match ? Number(match[1]) : 1;
}

/** The title without its points tag. */
export function withoutPoints(title: string): string {
  return title.replace(pointsTag, '');
}

function literalText(node: ts.Node | undefined): string | undefined {
  if (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) return node.text;
  return undefined;
}

/** `describe`, `it`, `test`, `context`, `specify`, also with `.only`/`.skip` after them. */
function calleeName(call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) return callee.expression.text;
  return undefined;
}

/**
 * What keeps a test file from being planned from its source: a describe or
 * test title that is not a string literal, or two tests with one full title.
 * Each problem is one line, "file:line: ...".
 */
export function testFileProblems(source: string, fileName: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const problems: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node)) {
      const name = calleeName(node);
      if (name && ['describe', 'context', 'it', 'test', 'specify'].includes(name) && literalText(node.arguments[0]) === undefined) {
        const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
        problems.push(
          `${fileName}:${line}: the title of this ${name}() must be a string literal (the grader plans the tests from the source)`,
        );
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  const seen = new Set<string>();
  for (const test of scanTests(source, fileName)) {
    if (seen.has(test.fullTitle)) problems.push(`${fileName}: two tests are named "${test.fullTitle}"; each needs its own title`);
    seen.add(test.fullTitle);
  }
  return problems;
}

export function scanTests(source: string, fileName: string): ScannedTest[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const hidden = hiddenRanges(source, fileName);
  const isHidden = (node: ts.Node) => {
    const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
    return hidden.some((range) => line > range.beginLine && line < range.endLine);
  };
  const found: ScannedTest[] = [];
  const visit = (node: ts.Node, suites: string[]) => {
    if (ts.isCallExpression(node)) {
      const name = calleeName(node);
      const title = literalText(node.arguments[0]);
      if (title !== undefined && (name === 'describe' || name === 'context')) {
        node.arguments.slice(1).forEach((argument) => visit(argument, [...suites, title]));
        return;
      }
      if (title !== undefined && (name === 'it' || name === 'test' || name === 'specify')) {
        const body = node.arguments[1];
        found.push({
          fullTitle: [...suites, title].join(' '),
          title,
          points: pointsOf(title),
          hidden: isHidden(node),
          code: body ? body.getText(file) : '',
        });
        return;
      }
    }
    ts.forEachChild(node, (child) => visit(child, suites));
  };
  visit(file, []);
  return found;
}
