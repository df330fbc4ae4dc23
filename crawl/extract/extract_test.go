package extract

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
)

// readTestdata returns the decompressed page testdata/name.
func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return data
}

// The pages are excerpts of trafilatura's benchmark (see testdata/README.md);
// want and reject are its annotations plus checks of our own.
var pageTests = []struct {
	file, url          string
	want, reject       []string
	title, lang, canon string
}{
	{
		file: "anarc.at.cdpath.html.gz", url: "https://anarc.at/blog/2020-10-18-cdpath-replacement/",
		want: []string{"I figured I might as well bite the", "Those projects can be used to track files",
			"this list through a command or the menu",
			// code blocks keep their lines
			"\n\nexport CDPATH=\".:~:~/src:~/dist:~/wikis:~/go/src:~/src/tor\"\n\n"},
		reject: []string{"Contact", "Copyleft © 2002-2016 The Anarcat", "Powered by"},
		title:  "CDPATH replacements - anarcat", lang: "en",
		canon: "https://anarc.at/blog/2020-10-18-cdpath-replacement/",
	},
	{
		file: "archiv.krimiblog.de.2895.html.gz", url: "http://archiv.krimiblog.de/?p=2895",
		want: []string{"Okay, hat wieder nichts mit", "Ergänzung 2: Glaubt man",
			"Ergänzung 1: Den Text des Songs"},
		reject: []string{"Leider sind keine Kommentare möglich.", "Rasterfahndung",
			"Dies ist das Archiv von krimiblog.de"},
		lang: "de-DE", canon: "http://archiv.krimiblog.de/?p=2895",
	},
	{
		file:   "die-partei.net.luebeck.html.gz",
		url:    "https://die-partei.net/luebeck/2012/05/31/das-ministerium-fur-club-kultur-informiert/",
		want:   []string{"Die GEMA dreht völlig am Zeiger!"},
		reject: []string{"31. Mai", "Impressum", "Steuerdarling"},
		title:  "Das Ministerium für Club-Kultur informiert… | Die PARTEI Lübeck",
	},
	{
		file: "fouryears.eu.interning.html.gz",
		url:  "http://fouryears.eu/2019/10/21/interning-of-small-integers-in-python/",
		want: []string{"Note that depending on the version of Python the value of the integer",
			"lovely example, illustrating the way Python", "(addr, ctypes.",
			"\n\n> 29\n100\n\n"},
		reject: []string{"Best western clearfield pa on Skype", "Regularization Techniques",
			"Konstantin on ROC Area-Under-the-Curve Explained"},
	},
	{
		// ISO-8859-1 page
		file: "next2games.de.anno.html.gz", url: "https://next2games.de/previews,id1085,0,anno_1800_beta.html",
		want: []string{"zu entdecken, was Anno 1800 noch in petto hält.",
			"Neben dem Startgebiet in einer klimatisch eher gemäßigten",
			"Wie in jedem Titel der mittlerweile über 20 Jahre"},
		reject: []string{"n2g media network", "CMS: Apexx by Stylemotion", "Diese Website nutzt Cookies"},
		title:  "next2games | Vorschauen: Anno 1800 Beta",
	},
	{
		// ruby annotations (furigana) are not part of the text
		file: "nhk.or.jp.k100.html.gz", url: "https://www3.nhk.or.jp/news/easy/k10011959621000/k10011959621000.html",
		want: []string{"子どもへの虐待をなくすための法律ができて、親が子どもを教育するために、",
			"法律では虐待をした親に専門家が子どもの育て方を"},
		reject: []string{"Copyright NHK (Japan Broadcasting Corporation)."},
		title:  "NEWS WEB EASY|子どもへの体罰を禁止する法律ができる",
	},
	{
		file: "wiki.python.org.Download.html.gz", url: "https://wiki.python.org/moin/BeginnersGuide/Download",
		want: []string{"available via the yellow download buttons on that page.",
			"Before you start, you will need Python on your computer.", "general download page"},
		reject: []string{"Unable to edit the page? See the FrontPage for instructions.",
			"Attachments", "Login"},
		title: "BeginnersGuide/Download - Python Wiki",
	},
}

func TestHTMLPages(t *testing.T) {
	for _, tc := range pageTests {
		t.Run(tc.file, func(t *testing.T) {
			res, err := HTML(readTestdata(t, tc.file), tc.url, Options{})
			if err != nil {
				t.Fatal(err)
			}
			norm := collapse(res.Text)
			for _, w := range tc.want {
				if !strings.Contains(res.Text, w) && !strings.Contains(norm, collapse(w)) {
					t.Errorf("text lacks %q", w)
				}
			}
			for _, r := range tc.reject {
				if strings.Contains(norm, collapse(r)) {
					t.Errorf("text holds boilerplate %q", r)
				}
			}
			if tc.title != "" && res.Title != tc.title {
				t.Errorf("title %q, want %q", res.Title, tc.title)
			}
			if tc.lang != "" && res.Lang != tc.lang {
				t.Errorf("lang %q, want %q", res.Lang, tc.lang)
			}
			if tc.canon != "" && res.Canonical != tc.canon {
				t.Errorf("canonical %q, want %q", res.Canonical, tc.canon)
			}
			if res.Truncated {
				t.Error("small page reported as truncated")
			}
			if strings.Contains(res.Text, "\n\n\n") || res.Text != strings.TrimSpace(res.Text) {
				t.Error("text has stray blank lines or edge white space")
			}
		})
	}
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// para is a paragraph long enough to count as prose.
const para = "The committee met on Tuesday to discuss the budget, and after a long " +
	"debate it agreed to fund the new library for another three years."

func page(body string) string {
	return "<!doctype html><html lang=en><head><title>T</title></head><body>" + body +
		"</body></html>"
}

func TestHTMLStructure(t *testing.T) {
	tests := []struct {
		name, html string
		want       string // exact text, when set
		has, not   []string
	}{
		{
			name: "paragraphs and headings",
			html: page("<article><h1>Budget</h1><p>" + para + "</p><h2>Next</h2><p>" + para +
				"</p></article>"),
			want: "Budget\n\n" + para + "\n\nNext\n\n" + para,
		},
		{
			name: "inline markup and entities",
			html: page("<p>The <b>committee</b> met&nbsp;on <a href=/t>Tuesday</a> to discuss " +
				"the budget, and after a long debate it agreed to fund the library &amp; " +
				"the museum for another three years.</p>"),
			want: "The committee met on Tuesday to discuss the budget, and after a long debate " +
				"it agreed to fund the library & the museum for another three years.",
		},
		{
			name: "list items one per line",
			html: page("<article><p>" + para + "</p><ul><li>200 g sugar</li><li>2 eggs</li>" +
				"</ul><p>" + para + "</p></article>"),
			has: []string{para + "\n\n200 g sugar\n2 eggs\n\n" + para},
		},
		{
			name: "table cells and rows",
			html: page("<article><p>" + para + "</p><table><tr><th>Year</th><th>Cost</th></tr>" +
				"<tr><td>2020</td><td>1.5</td></tr></table><p>" + para + "</p></article>"),
			has: []string{"\n\nYear\tCost\n2020\t1.5\n\n"},
		},
		{
			name: "pre keeps lines and indentation",
			html: page("<article><p>" + para + "</p><pre>for i in x:\n    print(i)\n</pre><p>" +
				para + "</p></article>"),
			has: []string{"\n\nfor i in x:\n    print(i)\n\n"},
		},
		{
			name: "br breaks lines, two end a paragraph",
			html: page("<div>" + para + "<br>" + para + "<br><br>" + para + "</div>"),
			want: para + "\n" + para + "\n\n" + para,
		},
		{
			name: "chrome, scripts and widgets dropped",
			html: page(`<header><a href=/>Home</a> <a href=/news>News</a></header>` +
				`<nav><ul><li><a href=/a>Politics</a></li><li><a href=/b>Sport</a></li></ul></nav>` +
				`<div id="cookie-banner"><p>We use cookies to improve your experience, ` +
				`please accept them all now.</p></div>` +
				`<main><p>` + para + `</p><script>var x = "script text";</script>` +
				`<style>p{color:red}</style><p>` + para + `</p>` +
				`<div class="share-buttons"><a href=/fb>Share on Facebook</a></div></main>` +
				`<aside><p>Related: Ten things you did not know about libraries, and more.</p>` +
				`</aside><footer><p>Copyright 2024 Example News. All rights reserved.</p></footer>`),
			want: para + "\n\n" + para,
		},
		{
			name: "comments section dropped",
			html: page(`<article><p>` + para + `</p><p>` + para + `</p></article>` +
				`<section id="comments"><h3>3 comments</h3><div class="comment"><p>I think this ` +
				`is a terrible idea and the council should spend the money on roads instead.` +
				`</p></div></section>`),
			want: para + "\n\n" + para,
		},
		{
			name: "hidden elements dropped",
			html: page(`<p>` + para + `</p><div style="display: none"><p>Hidden text that ` +
				`a reader never sees, even though it is long enough to be prose.</p></div>` +
				`<p hidden>Also hidden, and long enough to be counted as a paragraph here.</p>`),
			want: para,
		},
		{
			name: "link list is not main text",
			html: page(`<div><p>` + para + `</p></div><div><p><a href=/1>First story about ` +
				`something</a> <a href=/2>Second story about another thing</a> <a href=/3>Third ` +
				`story</a></p></div>`),
			want: para,
		},
		{
			name: "unclosed header around the article",
			html: `<html><body><header role="banner"><div>Site</div><main><p>` + para +
				`</p><p>` + para + `</p><p>` + para + `</p><p>` + para + `</p><p>` + para +
				`</p><p>` + para + `</p><p>` + para + `</p></main></body></html>`,
			has: []string{para + "\n\n" + para},
		},
		{
			name: "no body text",
			html: page(`<nav><a href=/>Home</a></nav>`),
			want: "",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := HTML([]byte(tc.html), "", Options{})
			if err != nil {
				t.Fatal(err)
			}
			if tc.want != "" || (tc.has == nil && tc.not == nil) {
				if res.Text != tc.want {
					t.Errorf("text\n%q\nwant\n%q", res.Text, tc.want)
				}
			}
			for _, h := range tc.has {
				if !strings.Contains(res.Text, h) {
					t.Errorf("text\n%q\nlacks\n%q", res.Text, h)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(res.Text, n) {
					t.Errorf("text\n%q\nholds\n%q", res.Text, n)
				}
			}
		})
	}
}

func TestHTMLMeta(t *testing.T) {
	doc := `<html xml:lang="fr"><head><title> Le  titre </title>
		<meta property="og:title" content="OG">
		<link rel="alternate canonical" href="/article?id=7">
		</head><body><h1>Heading</h1><p>` + para + `</p></body></html>`
	res, err := HTML([]byte(doc), "https://example.org/a/b?utm_source=x", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Title != "Le titre" || res.Lang != "fr" ||
		res.Canonical != "https://example.org/article?id=7" {
		t.Errorf("got title %q lang %q canonical %q", res.Title, res.Lang, res.Canonical)
	}

	doc = `<html><head><meta property="og:title" content="From OG">
		<meta http-equiv="Content-Language" content="de, en">
		</head><body><p>` + para + `</p></body></html>`
	res, _ = HTML([]byte(doc), "https://example.org/x", Options{})
	if res.Title != "From OG" || res.Lang != "de" || res.Canonical != "https://example.org/x" {
		t.Errorf("got title %q lang %q canonical %q", res.Title, res.Lang, res.Canonical)
	}

	doc = `<html><head><meta property="og:locale" content="pt_BR"></head>` +
		`<body><h1>Só o <i>título</i></h1><p>` + para + `</p></body></html>`
	res, _ = HTML([]byte(doc), "", Options{})
	if res.Title != "Só o título" || res.Lang != "pt-BR" || res.Canonical != "" {
		t.Errorf("got title %q lang %q canonical %q", res.Title, res.Lang, res.Canonical)
	}
}

func TestHTMLCharsets(t *testing.T) {
	text := "Größere Änderungen im Haushalt: der Ausschuß beschloß am Dienstag, " +
		"die Bibliothek für drei weitere Jahre zu fördern, trotz langer Debatte."
	latin, err := charmap.Windows1252.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	jtext := "委員会は火曜日に予算を議論し、長い議論の末、新しい図書館にさらに三年間資金を提供することに合意した。" +
		"市民の多くはこの決定を歓迎しており、図書館の利用者も増えている。"
	sjis, err := japanese.ShiftJIS.NewEncoder().String(jtext)
	if err != nil {
		t.Fatal(err)
	}
	scripts := strings.Repeat("<script>var a = 1;</script>\n", 60) // pushes <meta> past 1 KiB
	tests := []struct {
		name, html, contentType, want string
	}{
		{"meta charset", `<html><head><meta charset="windows-1252"></head><body><p>` +
			latin + `</p></body></html>`, "", text},
		{"header charset", `<html><body><p>` + latin + `</p></body></html>`,
			"text/html; charset=ISO-8859-1", text},
		{"sniffed", `<html><body><p>` + latin + `</p></body></html>`, "", text},
		{"late meta", `<html><head>` + scripts + `<meta http-equiv="Content-Type" ` +
			`content="text/html; charset=Shift_JIS"></head><body><p>` + sjis +
			`</p></body></html>`, "", jtext},
		{"invalid utf-8 declared utf-8", `<html><head><meta charset="utf-8"></head><body><p>` +
			text + "\xff\xfe" + `</p></body></html>`, "", text + "\uFFFD\uFFFD"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := HTML([]byte(tc.html), "", Options{ContentType: tc.contentType})
			if err != nil {
				t.Fatal(err)
			}
			if res.Text != tc.want {
				t.Errorf("text %q\nwant %q", res.Text, tc.want)
			}
		})
	}
}

func TestHTMLErrors(t *testing.T) {
	for _, in := range []string{"", "   \n\t"} {
		if _, err := HTML([]byte(in), "", Options{}); err != ErrNotHTML {
			t.Errorf("HTML(%q): err %v, want ErrNotHTML", in, err)
		}
	}
	// Plain text is a document with one paragraph, not an error.
	res, err := HTML([]byte(para), "", Options{})
	if err != nil || res.Text != para {
		t.Errorf("plain text: %q, %v", res.Text, err)
	}
}

func TestCutUTF8(t *testing.T) {
	s := []byte("aé日本")
	for n := 0; n <= len(s); n++ {
		if got := cutUTF8(s, n); !utf8.Valid(got) || len(got) > n {
			t.Errorf("cutUTF8(%q, %d) = %q", s, n, got)
		}
	}
}

func ExampleHTML() {
	page := []byte(`<html lang="en"><head><title>Budget news</title></head><body>
		<nav><a href="/">Home</a> <a href="/news">News</a></nav>
		<article><h1>Library funded</h1>
		<p>The committee met on Tuesday to discuss the budget, and after a long
		debate it agreed to fund the new library for another three years.</p></article>
		<footer>© Example News</footer></body></html>`)
	res, err := HTML(page, "https://example.org/news/1", Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Title, "|", res.Lang, "|", res.Canonical)
	fmt.Println(res.Text)
	// Output:
	// Budget news | en | https://example.org/news/1
	// Library funded
	//
	// The committee met on Tuesday to discuss the budget, and after a long debate it agreed to fund the new library for another three years.
}
