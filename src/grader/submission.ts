/**
 * A submission is data, never links: the grader reads each file a student
 * hands in itself, and refuses anything that could point elsewhere, with one
 * sentence naming it.
 *
 * - a symbolic link anywhere on the path (the file, its folders, the
 *   `exercises/` folder): "exercises/05-races-and-locks/async-withdraw/account.ts
 *   is a symbolic link; submit the file itself";
 * - a device, fifo or socket: not a regular file;
 * - a hard link to a file outside the submission (a file with more links than
 *   the submission itself holds): it could be the instructor's solution;
 * - a file over 1 MB.
 *
 * Files are opened with O_NOFOLLOW and checked on the open descriptor, so a
 * link swapped in between the check and the read is refused too.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, type Stats } from 'node:fs';
import { join, relative, sep } from 'node:path';

export const MAX_FILE_BYTES = 1024 * 1024;

export type StudentFiles =
  { kind: 'files'; files: Record<string, string> } | { kind: 'missing'; missing: string[] } | { kind: 'refused'; message: string };

/** How a path inside the submission is named in messages: relative, with forward slashes. */
function shown(root: string, path: string): string {
  return relative(root, path).split(sep).join('/') || '.';
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Where a submission keeps its exercises: its `exercises/` folder when it has
 * one, else the folder itself. A link in its place is refused.
 */
export function exercisesFolderOf(submission: string): { folder: string } | { refused: string } {
  const stat = lstatOrUndefined(submission);
  if (stat?.isSymbolicLink()) return { refused: `${submission} is a symbolic link; submit the folder itself` };
  const inner = join(submission, 'exercises');
  const innerStat = lstatOrUndefined(inner);
  if (innerStat?.isSymbolicLink()) return { refused: 'exercises is a symbolic link; submit the folder itself' };
  return { folder: innerStat?.isDirectory() ? inner : submission };
}

/** Counts the links to (dev, ino) found under `root`, not following links. */
function linksInside(root: string, dev: number, ino: number): number {
  let count = 0;
  const stack = [root];
  while (stack.length > 0) {
    const folder = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) stack.push(path);
      else if (entry.isFile()) {
        const stat = lstatOrUndefined(path);
        if (stat && stat.dev === dev && stat.ino === ino) count += 1;
      }
    }
  }
  return count;
}

function readOpen(fd: number, size: number): string {
  const buffer = Buffer.alloc(size);
  let got = 0;
  while (got < size) {
    const count = readSync(fd, buffer, got, size - got, null);
    if (count === 0) break;
    got += count;
  }
  return buffer.subarray(0, got).toString('utf8');
}

/**
 * Reads one file of the submission. `root` is the submission's folder (the
 * name messages start from); `path` is inside it.
 */
function readOne(root: string, linkScope: string, path: string): { text: string } | { missing: true } | { refused: string } {
  const name = shown(root, path);
  // Every folder from the root down, then the file: none may be a link.
  const parts = relative(root, path).split(sep);
  for (let i = 1; i <= parts.length; i++) {
    const at = join(root, ...parts.slice(0, i));
    const stat = lstatOrUndefined(at);
    if (!stat) return { missing: true };
    if (stat.isSymbolicLink()) {
      return { refused: `${shown(root, at)} is a symbolic link; submit the ${i === parts.length ? 'file' : 'folder'} itself` };
    }
  }
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return { refused: `${name} is a symbolic link; submit the file itself` };
    if (code === 'ENOENT') return { missing: true };
    return { refused: `${name} cannot be read (${code})` };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { refused: `${name} is not a regular file (a folder, device, fifo or socket); submit the file itself` };
    if (stat.nlink > 1 && linksInside(linkScope, stat.dev, stat.ino) < stat.nlink) {
      return { refused: `${name} is a hard link to a file outside the submission; submit a copy of the file itself` };
    }
    if (stat.size > MAX_FILE_BYTES) return { refused: `${name} is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB` };
    return { text: readOpen(fd, stat.size) };
  } finally {
    closeSync(fd);
  }
}

/**
 * The student's files of one exercise (`files`, relative to `exerciseFolder`),
 * read as data. `root` is the submission's folder (messages name paths from
 * it); a hard link must have all its links inside `exercisesFolder`.
 */
export function readStudentFiles(root: string, exercisesFolder: string, exerciseFolder: string, files: string[]): StudentFiles {
  const read: Record<string, string> = {};
  const missing: string[] = [];
  for (const file of files) {
    const outcome = readOne(root, exercisesFolder, join(exerciseFolder, file));
    if ('refused' in outcome) return { kind: 'refused', message: outcome.refused };
    if ('missing' in outcome) missing.push(shown(root, join(exerciseFolder, file)));
    else read[file] = outcome.text;
  }
  return missing.length > 0 ? { kind: 'missing', missing } : { kind: 'files', files: read };
}
