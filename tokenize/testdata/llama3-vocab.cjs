// Rebuilds the Llama 3 vocabulary in tiktoken's rank-file format from the npm
// package llama3-tokenizer-js, and encodes test strings with that package, for
// tokenize's llama3 test. Usage:
//
//   node llama3-vocab.cjs PACKAGE_DIR RANKS_OUT INPUTS_JSON IDS_OUT
//
// The package stores each token as text in the GPT-2 byte-to-character
// mapping; this undoes the mapping to get the token's bytes, whose line number
// is its rank.
'use strict';
const fs = require('fs');
const path = require('path');
const [pkgDir, ranksOut, inputsFile, idsOut] = process.argv.slice(2);
const { llama3Tokenizer: tok } = require(
  path.join(pkgDir, 'bundle', 'commonjs-llama3-tokenizer-with-baked-data.cjs'));

// GPT-2's reversible byte <-> character table.
const bytes = [];
for (let b = 0x21; b <= 0x7e; b++) bytes.push(b);
for (let b = 0xa1; b <= 0xac; b++) bytes.push(b);
for (let b = 0xae; b <= 0xff; b++) bytes.push(b);
const chars = bytes.slice();
for (let b = 0, n = 0; b < 256; b++) {
  if (!bytes.includes(b)) {
    bytes.push(b);
    chars.push(256 + n++);
  }
}
const byteOf = new Map(bytes.map((b, i) => [String.fromCodePoint(chars[i]), b]));

const lines = [];
for (let id = 0; id < 128000; id++) {
  const text = tok.vocabById[id];
  const raw = Buffer.from([...text].map((c) => {
    if (!byteOf.has(c)) throw new Error(`token ${id}: character ${c} is not in the byte table`);
    return byteOf.get(c);
  }));
  lines.push(`${raw.toString('base64')} ${id}`);
}
fs.writeFileSync(ranksOut, lines.join('\n') + '\n');

const inputs = JSON.parse(fs.readFileSync(inputsFile, 'utf8'));
fs.writeFileSync(idsOut, JSON.stringify(inputs.map((s) => tok.encode(s, { bos: false, eos: false }))));
