// Package extract turns an HTML page into its main text: the article or
// body content without navigation, headers, footers, comments, scripts,
// cookie banners, share widgets and other boilerplate, as plain text with
// a blank line between blocks. It also reports the page's title, language
// and canonical URL. The crawler calls it for every fetched page, and
// `tokenmill extract` exposes it on the command line.
//
// # How it works
//
// The page is capped at Options.MaxBytes, decoded to UTF-8 (Content-Type
// charset, <meta>, or sniffing) and parsed with golang.org/x/net/html. One
// walk over the tree drops what is never text (scripts, styles, forms,
// hidden elements, and elements whose class or id names boilerplate:
// "comments", "share", "cookie-banner", "breadcrumb", …) and cuts the rest
// into blocks at block-level elements: paragraphs, headings, list items,
// table cells, preformatted sections. Page chrome (nav, aside, footer, a
// header outside the article) and furniture names ("sidebar", "widget")
// are dropped only when they hold no body of prose, which guards against
// broken markup that leaves a header open around the whole article.
//
// Each block is weighed by its length, link density and punctuation: long
// punctuated prose counts for the element holding it, link lists and short
// fragments count against. The element whose blocks weigh the most (with
// a bonus for one that declares itself the article) is the main content.
// Within it, a context pass in the spirit of jusText keeps prose, drops link
// lists, and keeps short blocks, headings and list items only when the
// prose around them is kept, which removes "Share this", date lines and
// "Read more" prompts at the edges of the article.
//
// # Output
//
// Blocks are separated by a blank line; items of one list and rows of one
// table by a newline; cells of a row by a tab. Preformatted text keeps its
// line breaks and indentation. Text is always valid UTF-8.
//
// # Limits
//
// Parsing is bounded by Options.MaxBytes (4 MiB by default); the walk by
// Options.Timeout (5 s, counted after parsing). Result.Truncated says when
// either cut the page.
// Pages the parser rejects (nesting deeper than it allows) are read from
// the token stream instead.
//
// HTML is safe for concurrent use; scratch buffers are pooled.
package extract
