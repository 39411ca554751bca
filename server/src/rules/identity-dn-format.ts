import { elementsNamed, getAttribute } from '../parsers/policy/query';
import type { PolicyElement } from '../parsers/policy/types';
import type { PolicyRule, PolicyRuleContext } from './types';
import { normalizeThumbprint } from './util/certificate-references';
import { setAttributeEdit } from './util/policy-edit';
import { escapeAttributeValue } from './util/xml-attribute';
import { hasPlaceholder } from './util/placeholder';

const DN_ATTRIBUTES = ['subject', 'issuer-subject'] as const;

/** What is wrong with how a distinguished name is written, and the name as .NET writes it. */
interface DnProblem {
  what: string;
  fixed: string;
}

/**
 * A `subject` or `issuer-subject` of an `<identity>` that isn't written the way .NET writes distinguished names
 * (`X509Certificate2.Subject`: `CN=Client, O=Contoso`, most specific first, a value with a comma in double quotes):
 * OpenSSL's `/C=NL/O=Contoso/CN=Client` form, OpenSSL 3's `CN = Client, O = Contoso`, or a comma inside a value that
 * isn't quoted (`O=Contoso, Inc.`). Identities whose pinned thumbprint is a workspace certificate are left to
 * `identity-claims-mismatch`, which compares them with that certificate.
 */
export const identityDnFormat: PolicyRule = {
  id: 'identity-dn-format',
  target: 'policy',
  defaultLevel: 'warning',
  description:
    'A subject or issuer-subject of <identity> not written as .NET writes distinguished names (OpenSSL’s /C=…/CN=… form, spaces around =, an unquoted comma inside a value), or a common-name written with its CN=: it may never match.',
  check(ctx) {
    for (const identity of elementsNamed(ctx.doc, 'identity')) {
      const thumbprint = normalizeThumbprint(getAttribute(identity, 'thumbprint')?.value ?? '');
      if (thumbprint && ctx.certificates.byThumbprint(thumbprint).length > 0) continue;
      for (const name of DN_ATTRIBUTES) {
        const attr = getAttribute(identity, name);
        if (!attr || attr.expression || hasPlaceholder(attr.value) || attr.value.trim() === '') continue;
        const problem = dnProblem(attr.value);
        if (!problem) continue;
        ctx.report({
          span: attr.valueSpan,
          message:
            `${name} "${attr.value}" ${problem.what}. Written the way .NET writes names (which is what APIM compares with), it is ` +
            `"${problem.fixed}"; written otherwise, this identity may never match.`,
          fixes: [
            {
              title: `Write ${name}="${problem.fixed}"`,
              edits: [setAttributeEdit(ctx.file, identity, name, escapeAttributeValue(problem.fixed, attr.quote || '"'))],
              preferred: true,
            },
          ],
        });
      }
      commonName(ctx, identity);
    }
  },
};

/**
 * `common-name="CN=client.contoso.com"`: common-name holds the certificate's common name alone (facts §1: the claims are
 * parts of the certificate, compared as they are), so a value written as a name with its `CN=` never matches.
 */
function commonName(ctx: PolicyRuleContext, identity: PolicyElement): void {
  const attr = getAttribute(identity, 'common-name');
  if (!attr || attr.expression || hasPlaceholder(attr.value)) return;
  // The prefix alone by a regex: `^\s*CN\s*=\s*(.*?)\s*$` was quadratic in a run of spaces (100 KB of them: 33 s).
  const prefix = /^\s*CN\s*=/i.exec(attr.value);
  if (!prefix) return;
  const rdns = splitUnquoted(attr.value)?.parts;
  // An unbalanced quote, or `CN=` with nothing after it: nothing sure to say.
  if (!rdns || attr.value.slice(prefix[0].length).trim() === '') return;
  if (rdns.length > 1) {
    ctx.report({
      span: attr.valueSpan,
      message:
        `common-name "${attr.value}" is a whole distinguished name, but common-name holds the common name alone ("${splitPair(rdns[0]!)[1]}"): ` +
        'as written, this identity never matches. To match the whole name, use subject="…".',
    });
    return;
  }
  // The value as the certificate holds it: an RFC 4514 escape (`CN=Doe\, John`) read, not kept (`Doe\, John` never matches).
  const fixed = splitPair(rdns[0]!)[1];
  ctx.report({
    span: attr.valueSpan,
    message: `common-name "${attr.value}" keeps the "CN=" of the distinguished name, but common-name holds the common name alone: as written, this identity never matches. Write common-name="${fixed}".`,
    fixes: [
      {
        title: `Write common-name="${fixed}"`,
        edits: [setAttributeEdit(ctx.file, identity, 'common-name', escapeAttributeValue(fixed, attr.quote || '"'))],
        preferred: true,
      },
    ],
  });
}

/** The first thing wrong with how `dn` is written, if anything, with the whole name rewritten. */
export function dnProblem(dn: string): DnProblem | undefined {
  const text = dn.trim();
  // OpenSSL 1.x: `/C=NL/O=Contoso/CN=Client`, the most general name first.
  if (/^\/\s*[A-Za-z][\w.]*\s*=/.test(text)) {
    const parts = text.split('/').map((p) => p.trim()).filter((p) => p !== '');
    if (parts.every((p) => p.includes('='))) {
      return { what: "is in OpenSSL's /C=…/O=…/CN=… form, the most general name first", fixed: writeDn(parts.reverse().map(splitPair)) };
    }
    return undefined;
  }
  const split = splitUnquoted(text);
  if (split === undefined) return undefined; // an unbalanced quote: nothing sure to say
  const rdns = split.parts;
  const pairs: [string, string][] = [];
  let orphan: string | undefined;
  for (const part of rdns) {
    const eq = part.indexOf('=');
    if (eq > 0) {
      pairs.push(splitPair(part));
    } else if (pairs.length > 0 && part.trim() !== '') {
      // `O=Contoso, Inc.`: the comma belonged to the value.
      const last = pairs[pairs.length - 1]!;
      last[1] = `${last[1]}, ${part.trim()}`;
      orphan ??= part.trim();
    } else {
      return undefined;
    }
  }
  // RFC 4514 (OpenSSL's -nameopt RFC2253, LDAP): `CN=Doe\, John`. .NET writes no backslashes: it quotes the value.
  if (split.escaped && orphan === undefined) {
    return { what: 'escapes a character with a backslash, as RFC 4514 (LDAP, OpenSSL) writes names, where .NET puts the value in double quotes', fixed: writeDn(pairs) };
  }
  if (orphan !== undefined) {
    return { what: `has a comma inside a value that isn't quoted, so "${orphan}" reads as a name of its own`, fixed: writeDn(pairs) };
  }
  // OpenSSL 3: `CN = Client, O = Contoso`.
  if (rdns.some((part) => /\s=|=\s/.test(unquotedPart(part)))) {
    return { what: 'has spaces around =, as OpenSSL 3 prints names', fixed: writeDn(pairs) };
  }
  return undefined;
}

/** `CN = Client` → [`CN`, `Client`] (quotes around the value removed). */
function splitPair(part: string): [string, string] {
  const eq = part.indexOf('=');
  const value = part.slice(eq + 1).trim();
  return [part.slice(0, eq).trim(), /^".*"$/.test(value) ? value.slice(1, -1) : value];
}

/** RDNs as .NET writes them: `CN=Client, O="Contoso, Inc."`. */
function writeDn(pairs: readonly [string, string][]): string {
  return pairs.map(([type, value]) => `${type}=${/[,+"]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value}`).join(', ');
}

/**
 * Splits on `,` and `+` outside double quotes; undefined when a quote is left open. Outside quotes, a backslash escapes
 * the character after it (RFC 4514: `\,`, `\+`, `\"`, `\\`, or two hex digits `\2C`), which is kept without it;
 * `escaped` tells whether there was one.
 */
function splitUnquoted(dn: string): { parts: string[]; escaped: boolean } | undefined {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let escaped = false;
  for (let i = 0; i < dn.length; i++) {
    const ch = dn[i]!;
    if (ch === '\\' && !quoted && i + 1 < dn.length) {
      const hex = /^[0-9A-Fa-f]{2}/.exec(dn.slice(i + 1, i + 3))?.[0];
      const code = hex === undefined ? -1 : parseInt(hex, 16);
      // Two hex digits of an ASCII character, or the next character itself (bytes of UTF-8 are left as written).
      if (code >= 0x20 && code < 0x7f) {
        current += String.fromCharCode(code);
        i += 2;
      } else if (hex === undefined && /[,+"\\;<>=# ]/.test(dn[i + 1]!)) {
        current += dn[i + 1];
        i++;
      } else {
        current += ch;
        continue;
      }
      escaped = true;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if ((ch === ',' || ch === '+') && !quoted) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  if (quoted) return undefined;
  parts.push(current);
  return { parts, escaped };
}

/** The part with its quoted value blanked out (so a `=` inside quotes doesn't count). */
function unquotedPart(part: string): string {
  return part.replace(/"[^"]*"/g, '""');
}
