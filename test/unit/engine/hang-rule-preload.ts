// Loaded with `node --require` before the CLI or the language server runs from `out/`: adds `test-hang` (see
// hang-rule.ts) to their rules, first, so that the rules after it are the ones the budget leaves out.
import { allRules } from '../../../server/src/rules';
import type { Rule } from '../../../server/src/rules/types';
import { hangRule } from './hang-rule';

(allRules as Rule[]).unshift(hangRule('test-hang'));
