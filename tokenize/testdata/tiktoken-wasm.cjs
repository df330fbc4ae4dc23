// Encodes test inputs with the npm package tiktoken, OpenAI's Rust core
// compiled to WebAssembly: the reference tiktoken itself, Unicode 16 tables
// and case folding included. Used by tokenize's TestAgainstRustCore. Usage:
//
//   node tiktoken-wasm.cjs NODE_MODULES_DIR INPUTS_JSON IDS_OUT
//
// INPUTS_JSON is a list of {"encoding": NAME, "text": TEXT}; IDS_OUT gets a
// list of id lists, encode_ordinary of each text.
'use strict';
const fs = require('fs');
const path = require('path');
const [modules, inputsFile, idsOut] = process.argv.slice(2);
const { get_encoding } = require(path.join(modules, 'tiktoken'));
const encoders = {};
const inputs = JSON.parse(fs.readFileSync(inputsFile, 'utf8'));
const out = inputs.map(({ encoding, text }) => {
  encoders[encoding] ??= get_encoding(encoding);
  return Array.from(encoders[encoding].encode_ordinary(text));
});
fs.writeFileSync(idsOut, JSON.stringify(out));
