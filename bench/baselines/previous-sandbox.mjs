/**
 * The grader's sandbox before issue 12, kept as the baseline of the grader
 * benchmark: mocha in one process with the code under test, Node's
 * permission model around it, each test reported as a JSON line on fd 3.
 * No OS sandbox, no frozen realm, no signed report.
 *
 * `node --experimental-permission ... previous-sandbox.mjs <test file.js>`
 */
import { writeSync } from 'node:fs';
import Mocha from 'mocha';

const [testFile] = process.argv.slice(2);
const emit = (event) => writeSync(3, JSON.stringify(event) + '\n');
const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_RUN_END } = Mocha.Runner.constants;

class Reporter {
  constructor(runner) {
    runner.on(EVENT_TEST_PASS, (test) => emit({ type: 'test', fullTitle: test.fullTitle(), state: 'passed' }));
    runner.on(EVENT_TEST_FAIL, (test, error) =>
      emit({ type: 'test', fullTitle: test.fullTitle(), state: 'failed', message: String(error?.message) }),
    );
    runner.once(EVENT_RUN_END, () => emit({ type: 'end' }));
  }
}

const mocha = new Mocha({ reporter: Reporter, timeout: 10_000, color: false });
mocha.addFile(testFile);
await mocha.loadFilesAsync();
mocha.run((failures) => process.exit(failures > 0 ? 1 : 0));
