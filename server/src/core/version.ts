import manifest from '../../../package.json';

/** The product's version, from the manifest (bundled at build time). */
export const VERSION: string = manifest.version;
