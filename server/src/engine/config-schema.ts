import { ruleDocsUrl } from '../core/docs';
import { LEVELS } from '../core/finding';
import { SKUS } from '../model/sku';
import type { RuleMeta } from '../rules/types';

/**
 * The JSON schema of `.apim-mtls.json` (committed as `schemas/apim-mtls.schema.json`, which VS Code applies to the
 * file through the manifest's `jsonValidation`), and of the `apimMtls.rules` setting. Generated from the rule
 * registry: a test fails when the committed files fall behind it.
 */
export function configSchema(rules: readonly RuleMeta[]): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: SCHEMA_URL,
    title: 'apim-mtls configuration (.apim-mtls.json)',
    description: 'Read by the apim-mtls command line and editor extension: the nearest .apim-mtls.json above a file applies to it.',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string' },
      rules: { ...rulesSchema(rules), description: 'A level per rule id; rules not named keep their default level.' },
      sku: {
        description: "The tier (or tiers) to assume for policies whose tier no Bicep file tells: none deploys them (an APIOps extract), or their service's tier can't be read (an existing service named by a parameter).",
        anyOf: [skuSchema, { type: 'array', items: skuSchema, minItems: 1 }],
      },
      certificateExpiryWarningDays: {
        description: 'How many days before a certificate expires certificate-expiring warns.',
        type: 'number',
        minimum: 0,
        default: 30,
      },
      fileTimeBudgetMs: {
        description: 'How long parsing and the rules may take on one file; past it, the rule running is stopped, the remaining rules are skipped, and a notice says which.',
        type: 'number',
        exclusiveMinimum: 0,
        default: 3000,
      },
      context: {
        description: 'Paths, relative to this file, whose Bicep, parameters and certificate files give the linted files their tier and certificates, without being linted.',
        anyOf: [{ type: 'string', minLength: 1 }, { type: 'array', items: { type: 'string', minLength: 1 } }],
      },
      ignore: {
        description:
          'Paths under this file\'s folder that are not read (generated output, vendored samples), as in .gitignore: * and ? within a name, ** across folders, a trailing / for folders only; a pattern with a / before its end is relative to this file, one without matches a name at any depth. No ! negation.',
        anyOf: [{ type: 'string', minLength: 1, pattern: '^[^!]' }, { type: 'array', items: { type: 'string', minLength: 1, pattern: '^[^!]' } }],
        examples: [['generated/', '**/*.sample.xml']],
      },
    },
  };
}

/** `{ "rule-id": level }`, one property per rule (an unknown id is a mistake), with what the rule finds. */
export function rulesSchema(rules: readonly RuleMeta[]): Record<string, unknown> {
  return {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(
      rules.map((r) => [
        r.id,
        {
          enum: LEVELS,
          markdownDescription: `${r.description} Default: \`${r.defaultLevel}\`. [Documentation](${ruleDocsUrl(r.id)})`,
        },
      ]),
    ),
  };
}

export const SCHEMA_URL = 'https://raw.githubusercontent.com/apim-mtls/apim-mtls/main/schemas/apim-mtls.schema.json';

/** A SKU name in any casing (Bicep and the linter accept any), the canonical ones offered for completion. */
const skuSchema = {
  anyOf: [
    { enum: SKUS },
    { type: 'string', pattern: `^(${SKUS.map((s) => [...s].map((c) => (/[a-z]/i.test(c) ? `[${c.toUpperCase()}${c.toLowerCase()}]` : c)).join('')).join('|')})$` },
  ],
};
