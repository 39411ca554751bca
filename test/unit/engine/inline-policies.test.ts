import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { Finding } from '../../../server/src/core/finding';
import { DEFAULT_CONFIG } from '../../../server/src/engine/config';
import { embedFindings } from '../../../server/src/engine/inline-policies';
import { Workspace } from '../../../server/src/engine/workspace';
import { stringValueOffsets } from '../../../server/src/parsers/bicep/lexer';
import { INLINE_POLICY as POLICY, inlinePolicyBicep } from '../rules/bicep-service.fixtures';
import { apimService } from '../model/workspace-helper';

const ROOT = path.resolve('/inline-ws');
const BICEP = path.join(ROOT, 'main.bicep');

function lint(text: string) {
  const ws = new Workspace({ configFor: () => ({ config: DEFAULT_CONFIG, problems: [] }) });
  ws.set(BICEP, { text });
  const result = ws.lint(BICEP);
  const at = (f: Finding) => text.slice(f.span.start, f.span.end);
  return { result, at, rules: result.findings.map((f) => f.ruleId).sort() };
}

describe('policies written in a Bicep string', () => {
  it('a multi-line string: the policy rules run, and each finding sits on its text in the Bicep file', () => {
    const text = inlinePolicyBicep(`'''\n${POLICY}'''`);
    const { result, at, rules } = lint(text);
    assert.deepEqual(rules, ['utcnow-certificate-validity', 'validate-trust-unsupported-tier']);
    const trust = result.findings.find((f) => f.ruleId === 'validate-trust-unsupported-tier')!;
    assert.equal(at(trust), 'validate-trust="true"');
    assert.equal(trust.level, 'error', 'the tier comes from the service the resource deploys to');
    assert.equal(trust.suppressWith, 'policy');
    const utc = result.findings.find((f) => f.ruleId === 'utcnow-certificate-validity')!;
    assert.equal(at(utc), 'UtcNow');
    const fix = utc.fixes.find((f) => f.preferred)!;
    assert.equal(fix.edits[0]!.file, BICEP);
    const fixed = text.slice(0, fix.edits[0]!.span.start) + fix.edits[0]!.newText + text.slice(fix.edits[0]!.span.end);
    assert.deepEqual(lint(fixed).rules, ['validate-trust-unsupported-tier'], 'the fix, applied to the Bicep file, removes only its finding');
  });

  it('a single-line string with escapes: positions go through them, replacement text is escaped', () => {
    const policy = POLICY.replace(/\n\s*/g, '').replace('name="x"', "name='x'");
    const escaped = `'${policy.replace(/'/g, "\\'")}'`;
    const text = inlinePolicyBicep(escaped);
    const { result, at, rules } = lint(text);
    assert.deepEqual(rules, ['utcnow-certificate-validity', 'validate-trust-unsupported-tier']);
    assert.equal(at(result.findings.find((f) => f.ruleId === 'utcnow-certificate-validity')!), 'UtcNow');
    assert.equal(result.findings[0]!.suppressWith, undefined, 'a Bicep directive above the line suppresses it');
    const finding: Finding = { ruleId: 'x', level: 'warning', message: 'm', file: BICEP, span: { start: 0, end: 1 }, related: [], fixes: [{ title: 't', edits: [{ file: 'virtual', span: { start: 0, end: 1 }, newText: "it's a\\b\n${x}" }] }] };
    const read = stringValueOffsets(text, { start: text.indexOf(escaped), end: text.indexOf(escaped) + escaped.length }, false)!;
    const [embedded] = embedFindings([finding], { file: BICEP, text: read.text, offsets: read.offsets, multiline: false }, 'virtual', BICEP);
    assert.equal(embedded!.fixes[0]!.edits[0]!.newText, "it\\'s a\\\\b\\n\\${x}");
    const dropped = embedFindings([{ ...finding, fixes: [{ title: 't', edits: [{ file: 'virtual', span: { start: 0, end: 1 }, newText: "'''" }] }] }], { file: BICEP, text: read.text, offsets: read.offsets, multiline: true }, 'virtual', BICEP);
    assert.deepEqual(dropped[0]!.fixes, [], "a multi-line string can't hold ''' : that fix is dropped");
  });

  it('<!-- apim-mtls-disable-next-line --> inside the string suppresses; Bicep rules see the policy too', () => {
    const suppressed = POLICY.replace('    <set-header', '    <!-- apim-mtls-disable-next-line utcnow-certificate-validity -->\n    <set-header');
    assert.deepEqual(lint(inlinePolicyBicep(`'''\n${suppressed}'''`)).rules, ['validate-trust-unsupported-tier']);
    // Bicep's pragma written inside the string is text of the policy (deployed with it), not a pragma: it suppresses nothing.
    const pragma = POLICY.replace('    <set-header', '    #disable-next-line utcnow-certificate-validity\n    <set-header');
    assert.deepEqual(lint(inlinePolicyBicep(`'''\n${pragma}'''`)).rules.sort(), ['utcnow-certificate-validity', 'validate-trust-unsupported-tier']);
    const notEnabled = lint(inlinePolicyBicep(`'''\n${POLICY}'''`, ''));
    const finding = notEnabled.result.findings.find((f) => f.ruleId === 'client-certificate-not-enabled');
    assert.ok(finding, notEnabled.rules.join(', '));
    assert.match(finding.message, /the policy written in main\.bicep \(line \d+\) checks client certificates/);
    const xml = lint(inlinePolicyBicep(`'''\n${POLICY}'''`, 'enableClientCertificate: true', "'xml'"));
    const mismatch = xml.result.findings.find((f) => f.ruleId === 'policy-format-mismatch');
    assert.ok(mismatch, xml.rules.join(', '));
    assert.equal(xml.at({ ...mismatch, span: mismatch.related[0]!.span }), '<', 'the raw < of the expression, found in the Bicep string');
  });

  it('an interpolated string: linted when its holes are attribute values, and nothing is said about those attributes', () => {
    const trust = (value: string) => `<policies><inbound><validate-client-certificate validate-trust="${value}"><identities><identity thumbprint="\${thumbprint}" /></identities></validate-client-certificate><set-header name="x" exists-action="override"><value>@(context.Request.Certificate?.NotAfter < DateTime.UtcNow ? "a" : "b")</value></set-header></inbound></policies>`;
    const header = "param thumbprint string\nparam trust string\n";
    const text = header + inlinePolicyBicep(`'${trust('true')}'`);
    const { result, at, rules } = lint(text);
    // No thumbprint-format on "${thumbprint}": its value is known only at deployment.
    assert.deepEqual(rules, ['utcnow-certificate-validity', 'validate-trust-unsupported-tier']);
    assert.equal(at(result.findings.find((f) => f.ruleId === 'validate-trust-unsupported-tier')!), 'validate-trust="true"');
    const utc = result.findings.find((f) => f.ruleId === 'utcnow-certificate-validity')!;
    assert.equal(at(utc), 'UtcNow', 'positions after a hole are exact');
    assert.equal(text.slice(utc.fixes[0]!.edits[0]!.span.start, utc.fixes[0]!.edits[0]!.span.end), 'UtcNow');
    // validate-trust="${trust}": neither a tier error nor "not a boolean".
    assert.deepEqual(lint(header + inlinePolicyBicep(`'${trust('\${trust}')}'`)).rules, ['utcnow-certificate-validity']);
    // A hole among elements may be markup: the structure is unknown, so the policy is not linted, and the file says so.
    const markup = lint(inlinePolicyBicep("'<policies><inbound><validate-client-certificate validate-trust=\"true\" />${'x'}</inbound></policies>'"));
    assert.deepEqual(markup.rules, []);
    assert.match(markup.result.notices.join('\n'), /^The policy written at line \d+ is not linted: a \$\{…\} in it is neither an attribute value nor the text of an element/);
    // The text of an element that holds only text is a value (a public policy's <audience>api://${appId}</audience>).
    const audience = lint(header + inlinePolicyBicep(`'${trust('true').replace('<inbound>', '<inbound><validate-jwt header-name="Authorization"><audiences><audience>api://\${trust}</audience></audiences></validate-jwt>')}'`));
    assert.deepEqual(audience.rules, ['utcnow-certificate-validity', 'validate-trust-unsupported-tier']);
    assert.deepEqual(audience.result.notices, []);
    // So is a hole inside an expression there (a public Bicep: <value>@("${backends}".Split(…)[0])</value>).
    const split = lint(header + inlinePolicyBicep(`'${trust('true').replace('<inbound>', '<inbound><set-header name="X-Backend" exists-action="override"><value>@("\${trust}".ToUpper())</value></set-header>')}'`));
    assert.deepEqual(split.rules, ['utcnow-certificate-validity', 'validate-trust-unsupported-tier']);
    assert.deepEqual(split.result.notices, []);
    // A fix that would rewrite a hole is dropped; one beside it is kept, with its offsets past the hole.
    const inline = { file: BICEP, text: 'a=x;b', offsets: [10, 11, 12, 18, 19, 20], multiline: false, holes: [{ start: 2, end: 3 }] };
    const finding: Finding = { ruleId: 'r', level: 'error', message: 'm', file: BICEP, span: { start: 4, end: 5 }, related: [], fixes: [
      { title: 'on the hole', edits: [{ file: 'virtual', span: { start: 2, end: 3 }, newText: 'y' }] },
      { title: 'beside it', edits: [{ file: 'virtual', span: { start: 4, end: 5 }, newText: 'c' }] },
    ] };
    const [placed] = embedFindings([finding], inline, 'virtual', BICEP, [{ start: 0, end: 3 }]);
    assert.deepEqual(placed!.fixes.map((f) => [f.title, f.edits[0]!.span]), [['beside it', { start: 19, end: 20 }]]);
    assert.deepEqual(embedFindings([{ ...finding, span: { start: 1, end: 3 } }], inline, 'virtual', BICEP, [{ start: 0, end: 3 }]), [], 'a finding on the attribute that holds the hole');
  });

  it('a policy written as a parameter’s default or held by a variable: the policy rules run, each finding on its text there', () => {
    // The Azure quickstart's shape: `param log2EHPolicyXml string = '<policies>…'`, then `value: log2EHPolicyXml`.
    for (const header of [`param log2EHPolicyXml string = '''\n${POLICY}'''\n`, `var log2EHPolicyXml = '''\n${POLICY}'''\n`]) {
      const text = header + inlinePolicyBicep('log2EHPolicyXml');
      const { result, at, rules } = lint(text);
      assert.deepEqual(rules, ['utcnow-certificate-validity', 'validate-trust-unsupported-tier'], header.slice(0, 24));
      const trust = result.findings.find((f) => f.ruleId === 'validate-trust-unsupported-tier')!;
      assert.equal(at(trust), 'validate-trust="true"');
      assert.ok(trust.span.start < header.length, 'in the string where it is written, above the resource');
      assert.equal(trust.level, 'error', 'the tier of the service the resource deploys to (StandardV2)');
      // Its fix edits the string.
      const utc = result.findings.find((f) => f.ruleId === 'utcnow-certificate-validity')!;
      assert.equal(text.slice(utc.fixes[0]!.edits[0]!.span.start, utc.fixes[0]!.edits[0]!.span.end), 'UtcNow');
    }
    // A .bicepparam file that sets the parameter deploys its own value: the default is not the policy.
    const ws = new Workspace({ configFor: () => ({ config: DEFAULT_CONFIG, problems: [] }) });
    ws.set(BICEP, { text: `param log2EHPolicyXml string = '''\n${POLICY}'''\n` + inlinePolicyBicep('log2EHPolicyXml') });
    ws.set(path.join(ROOT, 'main.bicepparam'), { text: "using './main.bicep'\nparam log2EHPolicyXml = '<policies />'\n" });
    assert.deepEqual(ws.lint(BICEP).findings.map((f) => f.ruleId), []);
  });

  it('one string that two resources deploy (two services) is linted once, on the tiers of both', () => {
    const second = `${apimService('dev', 'apim-dev', 'Developer')}
resource devPolicy 'Microsoft.ApiManagement/service/policies@2024-05-01' = {
  parent: dev
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: sharedPolicy
  }
}
`;
    const text = `var sharedPolicy = '''\n${POLICY}'''\n` + inlinePolicyBicep('sharedPolicy') + second;
    const { result, rules } = lint(text);
    assert.deepEqual(rules, ['utcnow-certificate-validity', 'validate-trust-unsupported-tier'], 'each once');
    const trust = result.findings.find((f) => f.ruleId === 'validate-trust-unsupported-tier')!;
    assert.equal(trust.level, 'warning', 'wrong on StandardV2 only: Developer supports it');
    const ws = new Workspace({ configFor: () => ({ config: DEFAULT_CONFIG, problems: [] }) });
    ws.set(BICEP, { text });
    const at = ws.inlinePolicyAt(BICEP, text.indexOf('validate-trust'))!;
    assert.equal(at.context.deployments.length, 2);
    assert.deepEqual([...at.context.skus.values].sort(), ['Developer', 'StandardV2']);
    // Two API policies of one service deploying the string: the service's rules count it once.
    const apis = ['orders', 'billing'].map((api) => `resource ${api} 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  parent: apim
  name: '${api}'
  properties: {
    displayName: '${api}'
    path: '${api}'
  }
}
resource ${api}Policy 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = {
  parent: ${api}
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: sharedPolicy
  }
}
`);
    const oneService = lint(`var sharedPolicy = '''\n${POLICY}'''\n` + inlinePolicyBicep("'<policies />'", '') + apis.join(''));
    const notEnabled = oneService.result.findings.filter((f) => f.ruleId === 'client-certificate-not-enabled');
    assert.equal(notEnabled.length, 1, oneService.rules.join(', '));
    assert.match(notEnabled[0]!.message, /the policy written in main\.bicep \(line 2\) checks client certificates/);
    assert.doesNotMatch(notEnabled[0]!.message, / and the policy written/);
  });

  it('paths and unterminated strings are not read as policies', () => {
    assert.equal(stringValueOffsets("'''abc", { start: 0, end: 6 }, true), undefined);
    assert.equal(stringValueOffsets("'a${b}'", { start: 0, end: 7 }, false), undefined);
    assert.deepEqual(stringValueOffsets("x = 'a\\'b\\u{1F600}c'", { start: 4, end: 20 }, false), { text: "a'b\u{1F600}c", offsets: [5, 6, 8, 9, 9, 18, 19] });
    assert.deepEqual(stringValueOffsets("'''\r\nab'''", { start: 0, end: 10 }, true), { text: 'ab', offsets: [5, 6, 7] });
  });

  it('hovers and code actions read the parse the lint made, once per string (a 3 MB policy was parsed again for each)', () => {
    const text = inlinePolicyBicep(`'''\n${POLICY}'''`);
    const ws = new Workspace({ configFor: () => ({ config: DEFAULT_CONFIG, problems: [] }) });
    ws.set(BICEP, { text });
    ws.lint(BICEP);
    const first = ws.inlinePolicyAt(BICEP, text.indexOf('validate-trust'))!;
    const second = ws.inlinePolicyAt(BICEP, text.indexOf('UtcNow'))!;
    assert.equal(first.doc.text, first.inline.text);
    assert.equal(second.doc, first.doc, 'one parse for both');
    assert.equal(first.inline.text.slice(first.offset, first.offset + 14), 'validate-trust');
    // A new text is a new string: its own parse, never the old one.
    const edited = text.replace('UtcNow', 'Now');
    ws.set(BICEP, { text: edited });
    const after = ws.inlinePolicyAt(BICEP, edited.indexOf('Now'))!;
    assert.notEqual(after.doc, first.doc);
    assert.ok(after.doc.text.includes('DateTime.Now') && !after.doc.text.includes('UtcNow'));
  });
});
