/**
 * The first import of every test file the sandbox runs (the grader puts it
 * there): it deletes the test file from the sandbox's disk. ES modules are all
 * read and linked before any of them runs, so by the time the code under test
 * runs, the test (hidden tests included) is only in memory, where it cannot
 * be read back. The file's path is in this module's URL: `gate.js?file=...`.
 */
import { unlinkSync } from 'node:fs';

const file = new URL(import.meta.url).searchParams.get('file');
if (file) unlinkSync(file);
