/**
 * The signed report: the plain-JavaScript HMAC-SHA256 agrees with node:crypto,
 * and the reader believes the signer's lines only, in order.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { hmacSha256, sha256 } from '../../src/engine/hmac-sha256.js';
import { REPORT_KEY_BYTES, ReportSigner, ReportVerifier } from '../../src/engine/signed-report.js';

describe('engine: signed report', () => {
  it('sha256 and hmacSha256 give what node:crypto gives, for every length around the block size', () => {
    for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 128, 1000]) {
      const data = randomBytes(length);
      assert.equal(Buffer.from(sha256(data)).toString('hex'), createHash('sha256').update(data).digest('hex'), `sha256 of ${length} bytes`);
      for (const keyLength of [1, 32, 64, 65, 200]) {
        const key = randomBytes(keyLength);
        const ours = Buffer.from(hmacSha256(key)(data)).toString('hex');
        assert.equal(ours, createHmac('sha256', key).update(data).digest('hex'), `hmac of ${length} bytes, key of ${keyLength}`);
      }
    }
  });

  it("the reader keeps the signer's events, in order, and counts every other line", () => {
    const key = randomBytes(REPORT_KEY_BYTES);
    const signer = new ReportSigner(key);
    const lines = [signer.sign({ type: 'plan' }), signer.sign({ type: 'test', state: 'passed' }), signer.sign({ type: 'end' })];
    const forger = new ReportSigner(randomBytes(REPORT_KEY_BYTES));
    const verifier = new ReportVerifier<{ type: string }>(key);
    verifier.push(lines[0]);
    verifier.push(forger.sign({ type: 'test', state: 'passed' })); // another key
    verifier.push(`${'0'.repeat(64)} {"seq":2,"event":{"type":"end"}}\n`); // no key at all
    verifier.push(lines[0]); // a replay
    verifier.push(lines[1].slice(0, 20)); // a line cut in two, across reads
    verifier.push(lines[1].slice(20));
    verifier.push(lines[2]);
    verifier.push('garbage without its newline');
    verifier.end();
    assert.deepEqual(
      verifier.events.map((event) => event.type),
      ['plan', 'test', 'end'],
    );
    assert.equal(verifier.rejected, 4);
  });

  it('a line signed in order but altered afterwards is not believed', () => {
    const key = randomBytes(REPORT_KEY_BYTES);
    const line = new ReportSigner(key).sign({ type: 'test', state: 'failed' });
    const verifier = new ReportVerifier<{ state: string }>(key);
    verifier.push(line.replace('"failed"', '"passed"'));
    assert.deepEqual(verifier.events, []);
    assert.equal(verifier.rejected, 1);
  });
});
