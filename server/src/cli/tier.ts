import * as path from 'node:path';
import { inlinePolicyTiers, policyTier, type PolicyTierInfo } from '../engine/tier';
import { loadReferencedFiles } from '../engine/context';
import { parseArgs, UsageError } from './args';
import type { CliIO } from './lint';
import { openWorkspace, workspaceArgs } from './open';

export const TIER_USAGE = `Usage: apim-mtls tier [paths…] [options]

Says, for each policy under the given files and folders (default: .), the tiers it is linted for and where they come
from: the Bicep that deploys it (its service's sku.name, a parameter's @allowed values or type, the .bicepparam or
parameters files that set it), or the configuration. The tier rules judge a policy by these.

Options:
  --context PATH             also read the Bicep and parameters files under PATH (repeatable), as lint does
  --sku SKU[,SKU…]           tier(s) to assume for policies whose tier no Bicep file tells (none deploys
                             them, or their service's tier can't be read)
  --format text|json         output format (default: text)
  -h, --help                 show this help

Exit codes: 0, or 2 for a usage error.`;

/**
 * One policy's tier, as `--format json` gives it: the file (and, for a policy written in a Bicep string, the 1-based
 * line it starts on), and its origins at 1-based lines and columns.
 */
export type PolicyTierReport = Omit<PolicyTierInfo, 'origins'> & {
  file: string;
  line?: number;
  origins: { file: string; line: number; column: number; message: string }[];
};

/** `apim-mtls tier`: returns the exit code. */
export async function runTier(args: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(args, { values: ['--format', '--sku', '--context'], flags: ['--help', '-h'] });
  } catch (e) {
    if (e instanceof UsageError) return usage(io, e.message);
    throw e;
  }
  if (parsed.flags.has('--help') || parsed.flags.has('-h')) {
    io.stdout(TIER_USAGE + '\n');
    return 0;
  }
  const format = parsed.values.get('--format') ?? 'text';
  if (format !== 'text' && format !== 'json') return usage(io, `--format must be text or json, not "${format}"`);
  const paths = workspaceArgs(parsed, io.cwd);
  if ('problem' in paths) return usage(io, paths.problem);
  const { ws, files } = await openWorkspace(paths.roots, paths.contextRoots, paths.overrides, io.stderr);
  loadReferencedFiles(ws);
  const reports: PolicyTierReport[] = [];
  const report = (file: string, info: PolicyTierInfo, line?: number): void => {
    const origins = info.origins.map((o) => ({ file: o.file, line: o.position.line + 1, column: o.position.character + 1, message: o.message }));
    reports.push({ file, ...(line !== undefined ? { line } : {}), ...info, origins });
  };
  for (const file of files) {
    // A file named as a path that apim-mtls can't read, or doesn't read (not a policy): said, not given a tier.
    const problem = ws.contentOf(file)?.problem;
    if (problem !== undefined) {
      io.stderr(`apim-mtls tier: ${path.relative(io.cwd, file) || file}: ${problem}\n`);
      continue;
    }
    const info = policyTier(ws, file);
    if (info) report(file, info);
    // Policies written in a Bicep file's strings: the Bicep file and the line the policy starts on.
    for (const inline of inlinePolicyTiers(ws, file)) report(file, inline.info, inline.line);
  }
  io.stdout(format === 'json' ? JSON.stringify(reports, null, 2) + '\n' : formatTiers(reports, io.cwd));
  return 0;
}

/** One block per policy: its tiers, then where they come from. */
function formatTiers(reports: PolicyTierReport[], cwd: string): string {
  if (reports.length === 0) return 'No policy files found.\n';
  const rel = (f: string) => path.relative(cwd, f) || f;
  const lines: string[] = [];
  for (const r of reports) {
    lines.push(`${rel(r.file)}${r.line !== undefined ? `:${r.line} (a policy written in the string)` : ''}  ${describe(r)}`);
    for (const o of r.origins) lines.push(`  ${rel(o.file)}:${o.line}:${o.column}  ${o.message}`);
  }
  return lines.join('\n') + '\n';
}

function describe(r: PolicyTierReport): string {
  const skus = r.skus.join(', ');
  const deployed = r.deployments === 0 ? 'no Bicep deploys it' : `${r.deployments} deployment${r.deployments === 1 ? '' : 's'}`;
  if (r.skus.length === 0) {
    return r.deployments === 0
      ? 'unknown: no Bicep read deploys it (give the folder with the Bicep, or --context it; or set "sku" in .apim-mtls.json, or --sku): the tier rules are silent'
      : `unknown: the Bicep that deploys it doesn't tell its service's tier (set "sku" in .apim-mtls.json, or --sku): the tier rules are silent`;
  }
  if (r.setBy) return `${skus}, set by ${r.setBy} (${deployed})`;
  return r.unknown ? `${skus}, or a tier that can't be read (${deployed})` : `${skus} (${deployed})`;
}

function usage(io: CliIO, message: string): number {
  io.stderr(`apim-mtls tier: ${message}\nRun "apim-mtls tier --help" for the options.\n`);
  return 2;
}
