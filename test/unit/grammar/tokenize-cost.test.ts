import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vsctm from 'vscode-textmate';
import * as oniguruma from 'vscode-oniguruma';
import { repoRoot } from '../../helpers';

// The policy grammar run the way VS Code runs it: vscode-textmate over vscode-oniguruma (both come with
// vscode-tmgrammar-test), with the grammar tests' stand-in for VS Code's C# grammar. VS Code tokenizes lines of up to
// editor.maxTokenizationLineLength = 20,000 characters.

const grammarPath = path.join(repoRoot, 'syntaxes', 'apim-policy.tmLanguage.json');
const csharpStubPath = path.join(repoRoot, 'test', 'grammar', 'csharp-stub.tmLanguage.json');
let loaded: Promise<vsctm.IGrammar> | undefined;

function grammar(): Promise<vsctm.IGrammar> {
  loaded ??= (async () => {
    const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const files: Record<string, string> = { 'text.xml.apim-policy': grammarPath, 'source.cs': csharpStubPath };
    const registry = new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
        createOnigString: (s: string) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scopeName: string) => {
        const file = files[scopeName];
        return file ? vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file) : null;
      },
    });
    const g = await registry.loadGrammar('text.xml.apim-policy');
    assert.ok(g, 'the grammar loads');
    return g;
  })();
  return loaded;
}

/** The state after the given lines. */
function stateAfter(g: vsctm.IGrammar, lines: string[]): vsctm.StackElement {
  let state = vsctm.INITIAL;
  for (const line of lines) state = g.tokenizeLine(line, state).ruleStack;
  return state;
}

/** The most scopes any token of the line has. */
function deepest(g: vsctm.IGrammar, line: string, state: vsctm.StackElement): number {
  return Math.max(...g.tokenizeLine(line, state).tokens.map((t) => t.scopes.length));
}

const repeat = (unit: string, length: number): string => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

// vscode-textmate matches the grammar's injections against the whole scope stack at every step of a line, so a
// construct that can nest named scopes without bound makes each step slower the deeper it goes: O(length × depth).
test('nested interpolated strings keep the scope stack shallow (each step of the tokenizer costs its depth)', async () => {
  const g = await grammar();
  const cases: [string, string[], string][] = [
    ['$"{ in a @{ } line', ['<policies>', '<set-body>@{'], `    var s = ${'$"{'.repeat(1000)}`],
    ['$"{( in a @{ } line', ['<policies>', '<set-body>@{'], `    var s = ${'$"{('.repeat(1000)}`],
    ['$@"{[ in a value', ['<policies>'], `<a b="@(${'$@"{['.repeat(1000)}`],
    ['$"{ on each of 1,000 lines', ['<policies>', '<set-body>@{', ...Array.from({ length: 1000 }, () => '    var s = $"{')], '    x'],
    // C# 11 raw strings: their holes hold #csharp-nested too.
    ['$"""{ in a value', ['<policies>'], `<a b="@(${'$"""{'.repeat(1000)}`],
    ['$$"""{{( in a @{ } line', ['<policies>', '<set-body>@{'], `    var s = ${'$$"""{{('.repeat(1000)}`],
  ];
  for (const [name, before, line] of cases) {
    const depth = deepest(g, line, stateAfter(g, before));
    assert.ok(depth <= 12, `${name}: a token with ${depth} scopes`);
  }
});

test('a 20,000-character line of nested interpolated strings is tokenized in well under 2 s', async () => {
  const g = await grammar();
  // Before nested strings were kept flat: 6.6-7.5 s each on a 2-core machine.
  for (const [name, before, line] of [
    ['@{ } in text', ['<policies>', '<set-body>@{'], repeat('$"{', 20_000)],
    ['@( ) in a value', ['<policies>'], `<a b="@(${repeat('$"{', 20_000 - 8)}`],
  ] as const) {
    const state = stateAfter(g, [...before]);
    const start = performance.now();
    const r = g.tokenizeLine2(line, state, 0);
    const ms = performance.now() - start;
    assert.equal(r.stoppedEarly, false);
    assert.ok(ms < 2000, `${name}: ${ms.toFixed(0)} ms`);
  }
});

test('20,000-character adversarial lines are tokenized in well under 2 s each', async () => {
  const g = await grammar();
  const contexts: [string, string[], string][] = [
    ['text', ['<policies>', '<value>'], ''],
    ['value', ['<policies>'], '<a b="'],
    ['@( )', ['<policies>'], '<a b="@('],
    ['@{ }', ['<policies>', '<a b="@{'], ''],
  ];
  const units = ['(', '"', '@(', '@{', '{{', '\\', ' ', 'a', '(a', '<', '&quot;', '{{a', '$"{', '@"', ' x="@(a)"', '/*', '[', '<!--', '@("{{\\', '"""', '$"""{', '$$"""{{'];
  for (const [where, before, prefix] of contexts) {
    const state = stateAfter(g, before);
    for (const unit of units) {
      const line = prefix + repeat(unit, 20_000 - prefix.length);
      const start = performance.now();
      g.tokenizeLine2(line, state, 0);
      const ms = performance.now() - start;
      assert.ok(ms < 2000, `${JSON.stringify(unit)} x 20,000 in ${where}: ${ms.toFixed(0)} ms`);
    }
  }
});
