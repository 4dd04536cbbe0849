/**
 * The kit's layers, checked by dependency-cruiser in `npm test` (npm run lint):
 *
 *   lessons (src/NN-topic/)   what a student reads: may import the engine and EARLIER units
 *   engine  (src/engine/, src/notebook/, src/paths.ts)
 *                             machinery: imports no lesson and no tool
 *   tools   (src/grader/, src/slides/, src/tools/)
 *                             the kit's own programs: import the engine, never a lesson
 *   course  (src/course/, src/index.ts)
 *                             the package's entry points and what wires lessons into tools
 *                             (the slide decks' measured charts): may import anything
 *
 * No cycles anywhere.
 */
const units = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10'];
const unit = (n) => `^src/${n}-[^/]+/`;

/** Unit n may not import a later unit. */
const laterUnits = units.slice(0, -1).map((n, i) => ({
  name: `unit-${n}-imports-no-later-unit`,
  comment: 'A lesson builds on earlier units only: a student reads them in order.',
  severity: 'error',
  from: { path: unit(n) },
  to: { path: `^src/(${units.slice(i + 1).join('|')})-` },
}));

module.exports = {
  forbidden: [
    {
      name: 'engine-imports-no-lesson',
      comment: 'The engine is what lessons stand on: it never imports one (a lesson that registers itself is how the engine learns of it).',
      severity: 'error',
      from: { path: '^src/(engine|notebook)/|^src/paths\\.ts$' },
      to: { path: '^src/[0-9]{2}-|^src/(grader|slides|tools|course)/' },
    },
    {
      name: 'tools-import-no-lesson',
      comment: 'The grader, the slide builder and the notebook tools depend on the engine, never on a lesson: a change to a lesson cannot break them.',
      severity: 'error',
      from: { path: '^src/(grader|slides|tools)/' },
      to: { path: '^src/[0-9]{2}-|^src/course/' },
    },
    ...laterUnits,
    {
      name: 'no-circular',
      comment: 'Modules that import each other cannot be read, or loaded, one at a time.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
