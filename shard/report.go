package shard

import (
	"fmt"
	"html"
	"html/template"
	"io"
	"sort"
	"strconv"
	"strings"
)

// WriteHTML renders st as one self-contained HTML page: figures, charts as
// inline SVG (document-length histogram, tokens per source, drops per
// stage) and the most frequent tokens. It loads nothing from a network.
func WriteHTML(w io.Writer, st *Stats) error {
	data := map[string]any{
		"S":         st,
		"Figures":   figures(st),
		"LenChart":  template.HTML(histogramSVG(st.Length.Histogram)),
		"SrcChart":  template.HTML(sourcesSVG(st.Sources)),
		"DropChart": template.HTML(dropsSVG(st.Drops)),
	}
	return reportTmpl.Execute(w, data)
}

type figure struct{ Name, Value string }

func figures(st *Stats) []figure {
	f := []figure{
		{"layout", st.Layout},
		{"documents", human(st.Docs)},
		{"tokens", human(st.Tokens)},
		{"shards", strconv.Itoa(st.Shards)},
		{"shard bytes", bytesHuman(st.ShardBytes)},
	}
	if st.Encoding != "" {
		f = append(f, figure{"encoding", st.Encoding})
	}
	if st.Compression != "" {
		f = append(f, figure{"compression", st.Compression})
	}
	if st.TextBytes > 0 {
		f = append(f, figure{"text bytes", bytesHuman(st.TextBytes)})
	}
	if st.BytesPerToken > 0 {
		f = append(f, figure{"bytes per token", fmt.Sprintf("%.2f", st.BytesPerToken)})
	}
	if st.CompressionRatio > 0 {
		f = append(f, figure{"compression ratio", fmt.Sprintf("%.2f×", st.CompressionRatio)})
	}
	f = append(f, figure{"median length", human(st.Length.Quantiles["p50"]) + " tokens"})
	f = append(f, figure{"p90 length", human(st.Length.Quantiles["p90"]) + " tokens"})
	if st.Vocab.Size > 0 {
		f = append(f, figure{"vocabulary used", fmt.Sprintf("%.1f%% of %s", 100*st.Vocab.Share,
			human(int64(st.Vocab.Size)))})
	} else {
		f = append(f, figure{"distinct tokens", human(int64(st.Vocab.Used))})
	}
	if st.Layout == LayoutPacked {
		f = append(f, figure{"padding", fmt.Sprintf("%.2f%%", 100*st.PaddingShare)})
	}
	for _, sp := range st.Splits {
		f = append(f, figure{sp.Name + " split", human(sp.Docs) + " docs, " + human(sp.Tokens) +
			" tokens"})
	}
	return f
}

// human prints n with thousands separators.
func human(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func bytesHuman(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.2f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}

// histogramSVG draws vertical bars, one per power-of-two length bin.
func histogramSVG(bins []Bin) string {
	if len(bins) == 0 {
		return `<p class="none">no documents</p>`
	}
	const w, h, left, bottom = 720, 260, 56, 44
	var maxC int64
	for _, b := range bins {
		maxC = max(maxC, b.Count)
	}
	bw := float64(w-left-10) / float64(len(bins))
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" id="length-histogram" viewBox="0 0 %d %d" `+
		`role="img" aria-label="document length histogram">`, w, h)
	fmt.Fprintf(&sb, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="axis"/>`, left, h-bottom,
		w-10, h-bottom)
	for _, frac := range []float64{0.5, 1} {
		y := float64(h-bottom) - frac*float64(h-bottom-16)
		fmt.Fprintf(&sb, `<text x="%d" y="%.1f" class="tick" text-anchor="end">%s</text>`,
			left-6, y+4, human(int64(frac*float64(maxC))))
		fmt.Fprintf(&sb, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" class="grid"/>`, left, y,
			w-10, y)
	}
	for i, b := range bins {
		bh := float64(b.Count) / float64(maxC) * float64(h-bottom-16)
		x := float64(left) + float64(i)*bw
		label := fmt.Sprintf("%s–%s", human(b.Lo), human(b.Hi-1))
		if b.Hi-b.Lo <= 1 {
			label = human(b.Lo)
		}
		fmt.Fprintf(&sb, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" class="bar">`+
			`<title>%s tokens: %s documents</title></rect>`, x+2, float64(h-bottom)-bh,
			bw-4, bh, html.EscapeString(label), human(b.Count))
		fmt.Fprintf(&sb, `<text x="%.1f" y="%d" class="tick" text-anchor="middle">%s</text>`,
			x+bw/2, h-bottom+16, html.EscapeString(human(b.Lo)))
	}
	fmt.Fprintf(&sb, `<text x="%d" y="%d" class="label" text-anchor="middle">`+
		`document length in tokens (bins by powers of two)</text></svg>`, (w+left)/2, h-6)
	return sb.String()
}

// hbarsSVG draws labelled horizontal bars.
func hbarsSVG(id, aria string, labels []string, values []int64, unit string) string {
	if len(values) == 0 {
		return `<p class="none">nothing to show</p>`
	}
	const w, rowH, left = 720, 26, 220
	h := rowH*len(values) + 10
	var maxV int64
	for _, v := range values {
		maxV = max(maxV, v)
	}
	if maxV == 0 {
		maxV = 1
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" id="%s" viewBox="0 0 %d %d" role="img" `+
		`aria-label="%s">`, id, w, h, html.EscapeString(aria))
	for i, v := range values {
		y := 5 + i*rowH
		bw := float64(v) / float64(maxV) * float64(w-left-120)
		fmt.Fprintf(&sb, `<text x="%d" y="%d" class="tick" text-anchor="end">%s</text>`,
			left-8, y+17, html.EscapeString(labels[i]))
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%.1f" height="%d" class="bar">`+
			`<title>%s: %s %s</title></rect>`, left, y+3, max(bw, 1), rowH-8,
			html.EscapeString(labels[i]), human(v), unit)
		fmt.Fprintf(&sb, `<text x="%.1f" y="%d" class="tick">%s %s</text>`,
			float64(left)+max(bw, 1)+6, y+17, human(v), unit)
	}
	sb.WriteString(`</svg>`)
	return sb.String()
}

func sourcesSVG(src []SourceStats) string {
	var labels []string
	var values []int64
	for _, s := range src {
		name := s.Source
		if name == "" {
			name = "(none)"
		}
		labels = append(labels, name)
		values = append(values, s.Tokens)
	}
	return hbarsSVG("tokens-per-source", "tokens per source", labels, values, "tokens")
}

func dropsSVG(drops []StageDrops) string {
	var labels []string
	var values []int64
	for _, d := range drops {
		reasons := make([]string, 0, len(d.Dropped))
		for r := range d.Dropped {
			reasons = append(reasons, r)
		}
		sort.Strings(reasons)
		for _, r := range reasons {
			labels = append(labels, d.Stage+": "+r)
			values = append(values, d.Dropped[r])
		}
	}
	if len(values) == 0 && len(drops) > 0 {
		return `<p class="none">no stage dropped a document</p>`
	}
	if len(drops) == 0 {
		return `<p class="none">no run summary (summary.json) beside the shards</p>`
	}
	return hbarsSVG("drops-per-stage", "documents dropped per stage", labels, values, "docs")
}

var reportTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"human": human,
	"pct":   func(f float64) string { return fmt.Sprintf("%.2f%%", 100*f) },
	"quote": strconv.Quote,
	"dropped": func(m map[string]int64) string {
		var parts []string
		for r, n := range m {
			parts = append(parts, r+" "+human(n))
		}
		sort.Strings(parts)
		return strings.Join(parts, ", ")
	},
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tokenmill stats — {{.S.Path}}</title>
<style>
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;
max-width:780px;color:#1d2330;background:#fbfbfd;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.1rem;margin-top:2rem;
border-bottom:1px solid #dde;padding-bottom:.3rem}
.sub{color:#667;margin-top:0}
.figs{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:.6rem}
.fig{background:#fff;border:1px solid #e3e5ee;border-radius:8px;padding:.55rem .7rem}
.fig b{display:block;font-size:1.15rem}.fig span{color:#667;font-size:.8rem}
.chart{width:100%;height:auto;background:#fff;border:1px solid #e3e5ee;border-radius:8px}
.bar{fill:#3b6fd8}.bar:hover{fill:#1f4fb0}.axis{stroke:#889}.grid{stroke:#eef}
.tick{font-size:11px;fill:#445}.label{font-size:12px;fill:#556}
table{border-collapse:collapse;width:100%;background:#fff}
td,th{border-bottom:1px solid #eef;padding:.25rem .5rem;text-align:right}
td:first-child,th:first-child{text-align:left}code{background:#f1f2f7;padding:0 .25rem}
.ok{color:#17803d}.bad{color:#b42318}.none{color:#889}
</style>
</head>
<body>
<h1>Token statistics</h1>
<p class="sub">{{.S.Path}} · written by tokenmill</p>
<div class="figs">
{{range .Figures}}<div class="fig"><span>{{.Name}}</span><b>{{.Value}}</b></div>
{{end}}</div>

<h2>Document length</h2>
{{.LenChart}}
<table id="quantiles"><tr><th>quantile</th>{{range $k, $v := .S.Length.Quantiles}}<th>{{$k}}</th>{{end}}</tr>
<tr><td>tokens</td>{{range $k, $v := .S.Length.Quantiles}}<td>{{human $v}}</td>{{end}}</tr></table>

{{if .S.Sources}}<h2>Tokens per source</h2>
{{.SrcChart}}
<table><tr><th>source</th><th>documents</th><th>tokens</th><th>text bytes</th></tr>
{{range .S.Sources}}<tr><td>{{.Source}}</td><td>{{human .Docs}}</td><td>{{human .Tokens}}</td><td>{{human .TextBytes}}</td></tr>
{{end}}</table>{{end}}

<h2>Drops per stage</h2>
{{.DropChart}}
{{if .S.Drops}}<table id="stages"><tr><th>stage</th><th>documents in</th><th>out</th><th>dropped</th></tr>
{{range .S.Drops}}<tr><td>{{.Stage}}</td><td>{{human .In}}</td><td>{{human .Out}}</td><td>{{dropped .Dropped}}</td></tr>
{{end}}</table>{{end}}

<h2>End-of-text placement</h2>
<p id="eot" class="{{if .S.EOT.OK}}ok{{else}}bad{{end}}">{{.S.EOT.Verdict}}{{if .S.EOT.Known}} (id {{.S.EOT.ID}}, {{human .S.EOT.Count}} occurrences){{end}}</p>

<h2>Most frequent tokens</h2>
<table id="top-tokens"><tr><th>id</th><th>text</th><th>count</th><th>share</th></tr>
{{range .S.Vocab.Top}}<tr><td>{{.ID}}</td><td><code>{{quote .Text}}</code></td><td>{{human .Count}}</td><td>{{pct .Share}}</td></tr>
{{end}}</table>
</body>
</html>
`))
