// Package clean holds tokenmill's text-cleaning stages. The `clean` stage
// normalizes a document's text — valid UTF-8, Unicode NFC (or NFKC), line
// endings, control and zero-width characters, spaces and blank lines — and
// drops documents left shorter than a minimum length.
//
// Cleaning is stateless and deterministic: the same text always gives the
// same result, so the stage runs on several workers (its Spec is Parallel).
package clean
