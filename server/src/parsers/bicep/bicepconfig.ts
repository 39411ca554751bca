import type { BicepFile, Expr, ModuleAlias } from './types';
import { JsonError, JsonReader } from './parameters-json';

/** Bicep's configuration file: the nearest one above a Bicep file applies to it (merged with Bicep's defaults). */
export const BICEPCONFIG_NAME = 'bicepconfig.json';

/** Bicep's built-in alias, which a configuration file may redefine. */
const PUBLIC_ALIAS: ModuleAlias = { registry: 'mcr.microsoft.com', modulePath: 'bicep' };

/**
 * Reads a `bicepconfig.json` (comments and trailing commas allowed, as Bicep accepts) for its registry module aliases:
 * `"moduleAliases": { "br": { "avm": { "registry": "contoso.azurecr.io", "modulePath": "bicep/avm" } } }`. The file
 * declares nothing else the model reads. One that can't be read gives no aliases and no problem: Bicep reports its own
 * configuration's errors, and the references it would resolve then stay unresolved here as they are for Bicep.
 */
export function parseBicepConfig(text: string): BicepFile {
  const aliases = new Map<string, ModuleAlias>([['public', PUBLIC_ALIAS]]);
  const file: BicepFile = { text, declarations: [], directives: [], comments: [], problems: [], moduleAliases: aliases };
  let root: Expr;
  try {
    root = new JsonReader(text).document();
  } catch (e) {
    if (e instanceof JsonError) return file;
    throw e;
  }
  for (const [name, value] of members(member(member(root, 'moduleAliases'), 'br'))) {
    const registry = stringOf(member(value, 'registry'));
    const modulePath = stringOf(member(value, 'modulePath'));
    aliases.set(name, { ...(registry !== undefined && { registry }), ...(modulePath !== undefined && { modulePath }) });
  }
  return file;
}

/**
 * A module path with its registry alias resolved: `br/avm:res/api-management/service:0.9.1` with the alias
 * `avm` = `{ registry: 'contoso.azurecr.io', modulePath: 'bicep/avm' }` is
 * `br:contoso.azurecr.io/bicep/avm/res/api-management/service:0.9.1`. Paths without an alias, and aliases the
 * configuration doesn't define (or defines without a registry), are returned as written.
 */
export function resolveModuleAlias(modulePath: string, aliases: ReadonlyMap<string, ModuleAlias> | undefined): string {
  if (!aliases || !modulePath.startsWith('br/')) return modulePath;
  const colon = modulePath.indexOf(':');
  if (colon < 0) return modulePath;
  const alias = aliases.get(modulePath.slice(3, colon));
  if (!alias?.registry) return modulePath;
  const rest = modulePath.slice(colon + 1);
  const prefix = alias.modulePath?.replace(/^\/+|\/+$/g, '');
  return `br:${alias.registry}/${prefix ? `${prefix}/` : ''}${rest}`;
}

function member(e: Expr | undefined, key: string): Expr | undefined {
  if (e?.kind !== 'object') return undefined;
  for (const m of e.members) if (m.kind === 'property' && m.key === key) return m.value;
  return undefined;
}

function members(e: Expr | undefined): [string, Expr][] {
  if (e?.kind !== 'object') return [];
  return e.members.flatMap((m) => (m.kind === 'property' ? [[m.key, m.value] as [string, Expr]] : []));
}

function stringOf(e: Expr | undefined): string | undefined {
  return e?.kind === 'string' && e.value !== undefined ? e.value : undefined;
}
