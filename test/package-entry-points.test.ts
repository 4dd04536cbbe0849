import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'mocha';

// The package gives each unit its own entry point (`course-kit/04-pools`) besides the root.
// Each one must resolve through the package name, as a notebook imports it, and give the
// same objects the root gives for those names.
const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, unknown>;
};
const unitEntries = Object.keys(manifest.exports)
  .filter((key) => /^\.\/(\d\d-[a-z-]+|notebook)$/.test(key))
  .map((key) => key.slice(2));

describe('package entry points', () => {
  it('has an entry point for every unit folder and for notebook helpers', () => {
    assert.deepEqual(unitEntries, [
      '01-threads-vs-async',
      '02-event-loop-and-channels',
      '03-processes-queues-pipes',
      '04-pools',
      '05-races-and-locks',
      '06-daemons',
      '07-deadlock-and-starvation',
      '08-penguin-race',
      '09-system-monitor',
      '10-beyond-one-machine',
      'notebook',
    ]);
  });

  for (const entry of unitEntries) {
    it(`course-kit/${entry} resolves and shares its names with the root`, async () => {
      const require = createRequire(import.meta.url);
      const resolved = require.resolve(`course-kit/${entry}`);
      assert.match(resolved, new RegExp(`dist/${entry}/index\\.js$`));
      const unit = (await import(`course-kit/${entry}`)) as Record<string, unknown>;
      const root = (await import('course-kit')) as Record<string, unknown>;
      const names = Object.keys(unit);
      assert.ok(names.length > 0, `course-kit/${entry} exports nothing`);
      for (const name of names) assert.equal(root[name], unit[name], `course-kit/${entry} and the root differ on ${name}`);
    });
  }
});
