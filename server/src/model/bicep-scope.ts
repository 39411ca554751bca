import * as path from 'node:path';
import type { BicepFile, Expr, ObjectExpr, ParamDecl, ResourceDecl, TypeDecl, VarDecl } from '../parsers/bicep/types';

export const SERVICE_TYPE = 'microsoft.apimanagement/service';

/** A resource declaration with what its position tells: its full type and the resource it is nested in. */
export interface ResourceNode {
  decl: ResourceDecl;
  /** The object body (behind `if (…)` or `[for …: …]` when needed), if there is one. */
  body?: ObjectExpr;
  /** Lower-case type without API version; nested short types are appended to the parent's (`…/apis/operations`). */
  fullType: string;
  lexicalParent?: ResourceNode;
  scope: FileScope;
}

/** An imported symbol: the file (absolute path) and the name it has there. */
export interface ImportedSymbol {
  from: string;
  name: string;
}

/** The symbols of one Bicep file. */
export interface FileScope {
  path: string;
  dir: string;
  file: BicepFile;
  params: Map<string, ParamDecl>;
  vars: Map<string, VarDecl>;
  types: Map<string, TypeDecl>;
  imports: Map<string, ImportedSymbol>;
  /** `import * as alias from 'file'`: alias to absolute path. */
  wildcards: Map<string, string>;
  resources: ResourceNode[];
  bySymbol: Map<string, ResourceNode>;
}

/** Collects the declarations of a parsed Bicep file, flattening nested resources. */
export function buildScope(filePath: string, file: BicepFile): FileScope {
  const dir = path.dirname(filePath);
  const scope: FileScope = {
    path: filePath, dir, file, params: new Map(), vars: new Map(), types: new Map(), imports: new Map(),
    wildcards: new Map(), resources: [], bySymbol: new Map(),
  };
  for (const d of file.declarations) {
    switch (d.kind) {
      case 'param':
        scope.params.set(d.name, d);
        break;
      case 'var':
        scope.vars.set(d.name, d);
        break;
      case 'type':
        scope.types.set(d.name, d);
        break;
      case 'import':
        if (d.from === undefined) break;
        for (const item of d.items) scope.imports.set(item.alias ?? item.name, { from: path.resolve(dir, d.from), name: item.name });
        if (d.wildcardAlias !== undefined) scope.wildcards.set(d.wildcardAlias, path.resolve(dir, d.from));
        break;
      case 'resource':
        addResource(scope, d, undefined);
        break;
      default:
        break;
    }
  }
  return scope;
}

function addResource(scope: FileScope, decl: ResourceDecl, parent: ResourceNode | undefined): void {
  const bare = decl.resourceType.split('@')[0]!.toLowerCase();
  const fullType = parent && !bare.includes('.') ? `${parent.fullType}/${bare}` : bare;
  const node: ResourceNode = { decl, fullType, scope };
  const body = resourceBody(decl.value);
  if (body) node.body = body;
  if (parent) node.lexicalParent = parent;
  scope.resources.push(node);
  if (decl.name) scope.bySymbol.set(decl.name, node);
  for (const m of body?.members ?? []) if (m.kind === 'resource') addResource(scope, m.decl, node);
}

/** The object behind `= {…}`, `= if (c) {…}`, `= [for x in y: {…}]` or `= [for x in y: if (c) {…}]`. */
function resourceBody(value: Expr | undefined): ObjectExpr | undefined {
  let v = value;
  for (let i = 0; i < 3 && v; i++) {
    if (v.kind === 'object') return v;
    v = v.kind === 'if' || v.kind === 'for' ? v.body : undefined;
  }
  return undefined;
}

/** The value of `key` in an object expression. */
export function property(obj: Expr | undefined, key: string): Expr | undefined {
  if (obj?.kind !== 'object') return undefined;
  for (const m of obj.members) if (m.kind === 'property' && m.key === key) return m.value;
  return undefined;
}

/** The `key: value` member itself (for its span). */
export function propertyMember(obj: Expr | undefined, key: string) {
  if (obj?.kind !== 'object') return undefined;
  return obj.members.find((m) => m.kind === 'property' && m.key === key);
}
