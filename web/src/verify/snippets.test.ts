import { describe, expect, it } from 'vitest';
// The files webhook/'s Go tests run (or compile) and the README that quotes them.
import readme from '../../../README.md?raw';
import verifyJs from '../../../webhook/testdata/verify.js?raw';
import verifyPy from '../../../webhook/testdata/verify.py?raw';
import exampleGo from '../../../webhook/example_test.go?raw';
import senderGo from '../../../internal/adapter/sender/message.go?raw';
import { ferryHeaders, goVerifier, nodeVerifier, pythonVerifier, signedHeaders, snippets } from './snippets';

// Every header-like name a piece of code mentions, lower-cased.
function headerNames(code: string): string[] {
  const found = code.toLowerCase().match(/\b(?:webhook-(?:id|timestamp|signature)|x-signature|x-ferry-[a-z-]+)\b/g) ?? [];
  return [...new Set(found)].sort();
}

const known = ferryHeaders.map((h) => h.toLowerCase());

describe('verification snippets', () => {
  it('name only the headers Ferry sends, and the verifiers read every signed one', () => {
    for (const s of snippets) {
      for (const b of s.blocks) {
        for (const name of headerNames(b.code)) expect(known, `${s.language}/${b.id} names ${name}`).toContain(name);
      }
    }
    for (const code of [nodeVerifier, pythonVerifier]) {
      expect(headerNames(code)).toEqual(signedHeaders.map((h) => h.toLowerCase()).sort());
    }
  });

  it('list the headers Ferry actually sets', () => {
    // Go's canonical spelling (Webhook-Id); Content-Type and User-Agent are not Ferry's own.
    const set = [...senderGo.matchAll(/set\("([A-Za-z-]+)"/g)].map((m) => m[1].toLowerCase());
    expect([...known].sort()).toEqual(set.filter((h) => h !== 'user-agent' && h !== 'content-type').sort());
  });

  it('are the tested code, byte for byte', () => {
    expect(verifyJs).toContain(nodeVerifier);
    expect(verifyPy).toContain(pythonVerifier);
    // example_test.go holds the Go block as a function body, one tab in.
    const indented = goVerifier
      .split('\n')
      .map((l) => (l === '' ? l : `\t${l}`))
      .join('\n');
    expect(exampleGo).toContain(indented);
    expect(readme).toContain('```js\n' + nodeVerifier + '```\n');
    expect(readme).toContain('```python\n' + pythonVerifier + '```\n');
    expect(readme).toContain('```go\n' + goVerifier + '```\n');
  });
});
