export { parseBicep } from './parser';
export type * from './types';
