/** Absolute path of the course kit's root folder (the one with package.json). */
declare const packageRoot: string;
export = packageRoot;
