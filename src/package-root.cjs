// Where the kit lives on disk. This one file is CommonJS on purpose: `__dirname`
// works in every way the library is loaded (tslab compiles notebook imports to
// CommonJS, tsx and Node load them as ES modules, where `__dirname` is missing and
// `import.meta` would break the CommonJS build). It sits at the top of src/ and is
// copied to the top of dist/, so the parent folder is the package root either way.
module.exports = require('node:path').resolve(__dirname, '..');
