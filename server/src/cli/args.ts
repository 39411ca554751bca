import { probablyMeant } from '../core/nearest';

/** A small, strict argument parser: `--flag value`, `--flag=value`, boolean flags, positionals. */
export class UsageError extends Error {}

export interface ParsedArgs {
  positionals: string[];
  /** The last value given for each option. */
  values: Map<string, string>;
  /** Every value given for each option, in order (for options that may be repeated). */
  all: Map<string, string[]>;
  flags: Set<string>;
}

/**
 * `mayBeEmpty`: options whose value may be `""` (`--dns ""`: no DNS names); the others need one. `aliases`: short
 * names recorded under their long one (`-o` as `--output-file`), so that the last one given wins whichever was used.
 */
export function parseArgs(args: string[], spec: { values: string[]; flags: string[]; mayBeEmpty?: string[]; aliases?: Record<string, string> }): ParsedArgs {
  const out: ParsedArgs = { positionals: [], values: new Map(), all: new Map(), flags: new Set() };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      out.positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      out.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const written = eq >= 0 ? arg.slice(0, eq) : arg;
    const name = (spec.aliases && Object.hasOwn(spec.aliases, written) ? spec.aliases[written] : undefined) ?? written;
    if (spec.flags.includes(name)) {
      if (eq >= 0) throw new UsageError(`${written} takes no value`);
      out.flags.add(name);
    } else if (spec.values.includes(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined || (value === '' && !spec.mayBeEmpty?.includes(name))) throw new UsageError(`${written} needs a value`);
      out.values.set(name, value);
      // Appended in place: copying the list for each value was quadratic (20,000 `--sku` took 11 s, 40,000 over a minute).
      const list = out.all.get(name);
      if (list) list.push(value);
      else out.all.set(name, [value]);
    } else {
      throw new UsageError(`unknown option ${name}${didYouMean(name, [...spec.flags, ...spec.values, ...Object.keys(spec.aliases ?? {})])}`);
    }
  }
  return out;
}

/** ` (did you mean X?)` when `name` looks like a typo of one of `candidates`, else nothing. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const meant = probablyMeant(name, candidates);
  return meant ? ` (did you mean ${meant}?)` : '';
}
