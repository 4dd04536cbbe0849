/**
 * Tables in a notebook, as HTML: `console.table` prints box-drawing text that
 * wraps into a mess in a narrow cell; an HTML table reflows.
 *
 *   showTable([{ workers: 1, 'wall ms': 812 }, { workers: 2, 'wall ms': 415 }]);
 */
import { show } from './display.js';

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (character) => escapes[character]);
}

function formatCell(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(2);
  if (Array.isArray(value)) return value.map(formatCell).join(', ');
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) return JSON.stringify(value);
  return String(value ?? '');
}

/** The rows as an HTML table; the columns are the keys of all rows, in order of first appearance. */
export function htmlTable(given: readonly object[]): string {
  const rows = given as readonly Record<string, unknown>[];
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (tag: 'th' | 'td', text: string, numeric = false) =>
    `<${tag}${numeric ? ' style="text-align:right"' : ''}>${escapeHtml(text)}</${tag}>`;
  const head = `<tr>${columns.map((column) => cell('th', column)).join('')}</tr>`;
  const body = rows
    .map((row) => `<tr>${columns.map((column) => cell('td', formatCell(row[column]), typeof row[column] === 'number')).join('')}</tr>`)
    .join('');
  return `<table><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

/** Shows rows as an HTML table below the running cell. */
export function showTable(rows: readonly object[]): void {
  show({ html: htmlTable(rows) });
}
