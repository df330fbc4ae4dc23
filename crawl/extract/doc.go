// Package extract turns an HTML page into its main text: the article or body
// content without navigation, headers, footers, scripts and other
// boilerplate, as plain text with a blank line between blocks. It also
// reports the page's title, language and canonical URL.
//
// HTML is safe for concurrent use; it holds no state between calls.
package extract
