/** The verdict on one run of the counter race: what was lost, or why nothing was. */
import assert from 'node:assert/strict';
import { loopOverlapMs, lostUpdateVerdict } from '../../../src/05-races-and-locks/labs/lost-update-verdict.js';

describe('lost-update verdict', () => {
  it('measures how long at least two loops ran at once', () => {
    assert.equal(loopOverlapMs([0, 10, 5, 20]), 5);
    assert.equal(loopOverlapMs([0, 10, 10, 20]), 0); // one ends as the next begins: no overlap
    assert.equal(loopOverlapMs([0, 10, 2, 4, 3, 8]), 6); // from 2 to 8 at least two ran
    assert.equal(loopOverlapMs([0, 0, 5, 9]), 0); // a loop that never ran
  });

  it('a run that lost updates shows the bug and says how many', () => {
    const verdict = lostUpdateVerdict(100, 60, [0, 10, 5, 20], 2);
    assert.deepEqual([verdict.lostUpdates, verdict.bugShown, verdict.overlapMs], [40, true, 5]);
    assert.match(verdict.explanation, /^40 updates lost: the loops ran at the same time for 5\.0 ms$/);
  });

  it('a run that lost nothing says why: no overlap, or no unlucky interleaving', () => {
    const apart = lostUpdateVerdict(100, 100, [0, 10, 12, 20], 2);
    assert.equal(apart.bugShown, false);
    assert.match(apart.explanation, /^this run lost no update: the loops did not overlap .*offers 2\); run again$/);
    const overlapped = lostUpdateVerdict(100, 100, [0, 10, 5, 20], 2);
    assert.match(overlapped.explanation, /although the loops overlapped for 5\.0 ms.*run again$/);
    assert.match(lostUpdateVerdict(100, 100).explanation, /no start and end times/);
  });
});
