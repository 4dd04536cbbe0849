/**
 * The look and the keys of a built deck, inlined into every page so a deck is
 * one self-contained file that works offline: the stylesheet (screen and print)
 * and one small navigation script.
 *
 * Without the script every slide shows, one under the other (and so in print,
 * one slide per page). With it, one slide shows at a time: → ↓ Space PageDown
 * next, ← ↑ PageUp previous, Home / End first / last, `s` shows or hides the
 * speaker notes; the slide number is kept in the address (#5).
 */

export const deckStyle = `
:root { --ink: #1d2330; --muted: #5b6475; --accent: #c2410c; --code-bg: #f4f5f8; --rule: #d9dce3;
  --slide-w: min(100vw, 177.78vh); }
html.js body.show-notes { --slide-w: min(100vw, 120vh); }
* { box-sizing: border-box; }
html, body { margin: 0; background: #e9ebf0; color: var(--ink); font: 16px/1.45 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }
/* Text scales with the slide, so a slide looks the same in any window. */
.slide { position: relative; width: var(--slide-w); font-size: calc(var(--slide-w) / 58); aspect-ratio: 16 / 9;
  margin: 1rem auto; padding: 3.2% 5% 4%; background: #fff; box-shadow: 0 2px 12px rgba(0, 0, 0, 0.15); overflow: hidden;
  display: flex; flex-direction: column; }
.slide h1 { font-size: 2.1em; margin: 0.2em 0 0.4em; color: var(--accent); line-height: 1.15; }
.slide h2 { font-size: 1.5em; margin: 0 0 0.5em; color: var(--accent); border-bottom: 2px solid var(--rule); padding-bottom: 0.2em; }
.slide h3 { font-size: 1.1em; margin: 0.6em 0 0.3em; }
.slide p, .slide li { margin: 0.25em 0; }
.slide ul, .slide ol { padding-left: 1.3em; margin: 0.3em 0; }
.slide code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.86em; background: var(--code-bg);
  padding: 0.05em 0.25em; border-radius: 3px; }
.slide pre { background: var(--code-bg); border-left: 4px solid var(--accent); padding: 0.5em 0.8em; margin: 0.4em 0;
  overflow: hidden; font-size: 0.78em; line-height: 1.35; }
.slide pre code { background: none; padding: 0; font-size: 1em; }
.slide table { border-collapse: collapse; font-size: 0.8em; margin: 0.4em 0; }
.slide th, .slide td { border-bottom: 1px solid var(--rule); padding: 0.25em 0.7em; text-align: left; vertical-align: top; }
.slide th { background: var(--code-bg); }
.slide blockquote { margin: 0.4em 0; padding: 0.2em 0.9em; border-left: 4px solid var(--rule); color: var(--muted); }
.slide figure { margin: 0.2em 0 0; flex: 1; min-height: 0; display: flex; flex-direction: column; align-items: center; }
.slide figure img { flex: 1; min-height: 0; max-width: 100%; object-fit: contain; }
.slide figcaption { font-size: 0.6em; color: var(--muted); margin-top: 0.2em; }
.slide.title-slide { justify-content: center; }
.slide.title-slide h1 { font-size: 2.6em; }
.slide .slide-number { position: absolute; right: 1.2em; bottom: 0.6em; font-size: 0.55em; color: var(--muted); }
.notes { display: none; width: var(--slide-w); margin: -0.6rem auto 1.2rem; padding: 0.6em 1.2em; background: #fff8e6;
  border: 1px solid #f0d58c; font-size: 16px; }
.notes::before { content: "Speaker notes"; display: block; font-weight: bold; color: var(--muted); margin-bottom: 0.2em; }
body.show-notes .notes { display: block; }
html.js body { overflow: hidden; }
html.js .deck > .slide-frame { display: none; }
html.js .deck > .slide-frame.current { display: block; }
html.js .slide { margin: calc((100vh - min(56.25vw, 100vh)) / 2) auto 0; }
html.js body.show-notes .slide { margin-top: 0.5rem; }
html.js body.show-notes .notes { max-height: calc(100vh - var(--slide-w) * 0.5625 - 2rem); overflow: auto; margin-top: 0.5rem; }
.help { position: fixed; left: 0.6em; bottom: 0.4em; font-size: 11px; color: var(--muted); }
html:not(.js) .help { display: none; }
@media print {
  @page { size: 13.333in 7.5in; margin: 0; }
  :root, html.js body.show-notes { --slide-w: 13.333in; }
  html, body { background: #fff; overflow: visible !important; }
  html.js .deck > .slide-frame { display: block !important; }
  .slide { height: 7.5in; aspect-ratio: auto; margin: 0 !important; box-shadow: none; break-after: page; }
  .notes, .help { display: none !important; }
  body.show-notes .notes { display: block !important; break-after: page; width: 100%; margin: 0; }
}
`;

/** Keyboard navigation; placed at the end of the body, so the slides exist when it runs. */
export const deckScript = `
(function () {
  document.documentElement.classList.add('js');
  var frames = Array.prototype.slice.call(document.querySelectorAll('.deck > .slide-frame'));
  var current = 0;
  function show(index) {
    current = Math.max(0, Math.min(frames.length - 1, index));
    frames.forEach(function (frame, i) { frame.classList.toggle('current', i === current); });
    if (location.hash !== '#' + (current + 1)) history.replaceState(null, '', '#' + (current + 1));
  }
  function fromHash() {
    var n = parseInt(location.hash.slice(1), 10);
    show(isNaN(n) ? 0 : n - 1);
  }
  document.addEventListener('keydown', function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var key = event.key;
    if (key === 'ArrowRight' || key === 'ArrowDown' || key === ' ' || key === 'PageDown') show(current + 1);
    else if (key === 'ArrowLeft' || key === 'ArrowUp' || key === 'PageUp') show(current - 1);
    else if (key === 'Home') show(0);
    else if (key === 'End') show(frames.length - 1);
    else if (key === 's' || key === 'S') document.body.classList.toggle('show-notes');
    else return;
    event.preventDefault();
  });
  window.addEventListener('hashchange', fromHash);
  fromHash();
})();
`;
