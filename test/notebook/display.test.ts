/**
 * Displays only work inside the tslab kernel, so these tests run a small
 * notebook for real and look at what it sent to the front end.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dealer } from 'zeromq';
import { kitRoot } from '../../src/paths.js';
import { runNotebook } from '../../src/tools/notebook-runner.js';

describe('notebook displays (in a real tslab kernel)', function () {
  this.timeout(60_000);
  // Inside notebooks/ so that `import ... from 'course-kit'` resolves as in a course notebook.
  const folder = mkdtempSync(join(kitRoot, 'notebooks', '.display-test-'));
  before(() => new Dealer().close()); // ZeroMQ's I/O threads live as long as the process.
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('shows a chart as PNG, animates one display in place, and stops by itself', async () => {
    const cells = [
      `import { showChart, animate, LiveDisplay } from 'course-kit';`,
      `showChart({ type: 'line', data: { labels: [1, 2, 3], datasets: [{ label: 'lag', data: [1, 4, 2] }] } });`,
      `const shown = await animate((frame) => (frame < 4 ? { text: 'frame ' + frame } : undefined), { everyMs: 20 });\nconsole.log('frames', shown);`,
      `const bounded = await animate((frame) => ({ text: 'forever ' + frame }), { everyMs: 50, durationMs: 400 });\nconsole.log('bounded', bounded < 20);`,
      `const live = new LiveDisplay();\nlive.update({ text: 'one' });\nlive.stop();\nconsole.log('after stop', live.update({ text: 'two' }));`,
    ];
    const path = join(folder, 'display.ipynb');
    writeFileSync(
      path,
      JSON.stringify({
        cells: cells.map((source) => ({ cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null })),
        metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
        nbformat: 4,
        nbformat_minor: 5,
      }),
    );
    const run = await runNotebook(path);
    assert.deepEqual(run.failures, []);
    const [, chart, animation, bounded, stopped] = run.cells.map((cell) => cell.outputs);
    assert.equal(chart.length, 1);
    assert.equal(chart[0].output_type, 'display_data');
    const png = Buffer.from(String((chart[0] as { data: Record<string, string> }).data['image/png']), 'base64');
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    const frames = animation.filter((output) => output.output_type === 'display_data');
    assert.equal(frames.length, 4, 'four frames, then the render function said it was finished');
    assert.match(JSON.stringify(animation), /frames 4/);
    assert.match(JSON.stringify(bounded), /bounded true/, 'the time bound ended an endless animation');
    assert.match(JSON.stringify(stopped), /after stop false/);
  });
});
