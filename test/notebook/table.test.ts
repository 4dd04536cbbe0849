import assert from 'node:assert/strict';
import { htmlTable } from '../../src/notebook/table.js';

describe('htmlTable', () => {
  it('has one header cell per column, in order of first appearance, and one row per object', () => {
    const html = htmlTable([
      { workers: 1, 'wall ms': 812 },
      { workers: 2, speedup: 1.9512 },
    ]);
    assert.equal(
      html,
      '<table><thead><tr><th>workers</th><th>wall ms</th><th>speedup</th></tr></thead><tbody>' +
        '<tr><td style="text-align:right">1</td><td style="text-align:right">812</td><td></td></tr>' +
        '<tr><td style="text-align:right">2</td><td></td><td style="text-align:right">1.95</td></tr></tbody></table>',
    );
  });

  it('escapes text, so a cell cannot inject markup', () => {
    const html = htmlTable([{ '<b>': '<script>alert("x")</script> & more' }]);
    assert.ok(!html.includes('<script>'), html);
    assert.match(html, /<th>&lt;b&gt;<\/th>/);
    assert.match(html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; more/);
  });

  it('groups thousands in whole numbers', () => {
    assert.match(htmlTable([{ 'tasks/s': 123456 }]), />123,456</);
  });

  it('shows lists and plain objects as text, not "[object Object]"', () => {
    const html = htmlTable([{ waits: ['A', 'B'], at: { x: 1 }, shares: [0.5, 0.25] }]);
    assert.match(html, /<td>A, B<\/td>/);
    assert.match(html, /<td>\{&quot;x&quot;:1\}<\/td>/);
    assert.match(html, /<td>0\.50, 0\.25<\/td>/);
  });
});
