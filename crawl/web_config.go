package crawl

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tokenmill/tokenmill/mill"
)

// DefaultUserAgent names tokenmill and where a site owner can learn about
// it; set user_agent to a string with your own contact URL for real crawls.
const DefaultUserAgent = "tokenmill-crawler/0.1 (+https://github.com/tokenmill/tokenmill)"

// WebConfig configures a web crawl. WebSpec documents each field's option;
// DefaultWebConfig fills the defaults.
type WebConfig struct {
	// What to crawl: seeds, scope and limits (options urls/seeds, scope,
	// allowed_domains, include, exclude, skip_extensions, max_depth,
	// max_pages, max_pages_per_host, sitemaps).
	Seeds          []string
	Scope          string // host, domain or list
	AllowedDomains []string
	Include        []string
	Exclude        []string
	SkipExtensions []string
	MaxDepth       int
	MaxPages       int
	MaxPagesHost   int
	Sitemaps       bool

	// Politeness: robots.txt, identity, pacing and retries.
	RespectRobots bool
	RobotsTTL     time.Duration
	UserAgent     string
	RobotToken    string
	Delay         time.Duration
	MaxCrawlDelay time.Duration
	HostParallel  int
	Concurrency   int
	MaxRetries    int
	RetryBase     time.Duration
	MaxRetryWait  time.Duration

	// Safety limits on each request.
	ConnectTimeout       time.Duration
	Timeout              time.Duration
	MaxBodySize          int64
	MaxRedirects         int
	ContentTypes         []string
	AllowPrivateNetworks bool
	MaxLinks             int

	// Archive, resume state, ordering window and the documents' source.
	WARCDir     string
	WARCMaxSize int64
	WARCPrefix  string
	StateDir    string
	Window      int
	Label       string

	// dialHost, when set (tests only), names the address to dial instead
	// of resolving a host name.
	dialHost func(host string) string
}

// WebSpec declares the web source.
var WebSpec = mill.Spec{
	Name: "web",
	Role: mill.RoleSource,
	Doc: "Crawls web sites from seed URLs politely (robots.txt, Crawl-delay, per-host " +
		"delay and parallelism, retries with backoff) and emits the main text of each " +
		"page. Documents come out in discovery order (breadth first), whatever the " +
		"concurrency. With state_dir a killed crawl resumes without refetching; with " +
		"warc_dir every exchange is archived as WARC 1.1.",
	Options: []mill.Option{
		{Name: "urls", Kind: mill.String, Doc: "file of seed URLs, one per line, # comments"},
		{Name: "seeds", Kind: mill.Strings, Doc: "seed URLs given inline"},
		{Name: "scope", Kind: mill.String, Default: "host", Choices: []string{"host", "domain", "list"},
			Doc: "follow links to the seeds' hosts, their registered domains, or allowed_domains only"},
		{Name: "allowed_domains", Kind: mill.Strings,
			Doc: "domains (and their subdomains) always in scope; required by scope list"},
		{Name: "include", Kind: mill.Strings,
			Doc: "regular expressions; when set, a discovered URL must match one"},
		{Name: "exclude", Kind: mill.Strings, Doc: "regular expressions; matching URLs are not followed"},
		{Name: "skip_extensions", Kind: mill.Strings,
			Default: "png,jpg,jpeg,gif,webp,svg,ico,bmp,css,js,mjs,woff,woff2,ttf,otf,eot,zip," +
				"gz,tgz,bz2,xz,7z,rar,tar,exe,msi,dmg,iso,bin,mp3,mp4,m4a,wav,ogg,webm,avi,mov," +
				"mkv,flv,doc,docx,xls,xlsx,ppt,pptx,apk",
			Doc: "links whose path ends in one of these extensions are not fetched"},
		{Name: "max_depth", Kind: mill.Int, Default: "5", HasMin: true, Min: 0,
			Doc: "links followed from the seeds (seeds are depth 0)"},
		{Name: "max_pages", Kind: mill.Int, Default: "10000", HasMin: true, Min: 1,
			Doc: "URLs fetched at most, in all (exact, also with concurrency)"},
		{Name: "max_pages_per_host", Kind: mill.Int, Default: "0", HasMin: true, Min: 0,
			Doc: "URLs fetched at most per host (0: only max_pages)"},
		{Name: "sitemaps", Kind: mill.Bool, Default: "false",
			Doc: "use the sitemaps (and sitemap indexes) listed in robots.txt as extra seeds"},
		{Name: "respect_robots", Kind: mill.Bool, Default: "true",
			Doc: "obey robots.txt and its Crawl-delay for robot_token, and <meta name=robots>"},
		{Name: "robots_ttl", Kind: mill.Duration, Default: "24h",
			Doc: "how long a host's robots.txt is cached before it is fetched again"},
		{Name: "user_agent", Kind: mill.String, Default: DefaultUserAgent,
			Doc: "User-Agent header; include a URL or address where site owners reach you"},
		{Name: "robot_token", Kind: mill.String, Default: "tokenmill-crawler",
			Doc: "product token matched against robots.txt User-agent lines"},
		{Name: "delay", Kind: mill.Duration, Default: "1s",
			Doc: "pause between two requests to the same host (Crawl-delay raises it)"},
		{Name: "max_crawl_delay", Kind: mill.Duration, Default: "30s",
			Doc: "cap on a robots.txt Crawl-delay"},
		{Name: "per_host_parallelism", Kind: mill.Int, Default: "1", HasMin: true, Min: 1,
			Doc: "requests in flight per host (1 whenever a delay applies)"},
		{Name: "concurrency", Kind: mill.Int, Default: "16", HasMin: true, Min: 1, HasMax: true,
			Max: 1024, Doc: "requests in flight in all"},
		{Name: "max_retries", Kind: mill.Int, Default: "3", HasMin: true, Min: 0,
			Doc: "retries of a 429 or 5xx response, with exponential backoff and jitter"},
		{Name: "retry_base", Kind: mill.Duration, Default: "1s",
			Doc: "first backoff; doubled at each retry; Retry-After is honoured when longer"},
		{Name: "max_retry_wait", Kind: mill.Duration, Default: "2m",
			Doc: "a page whose next retry would wait longer is dropped"},
		{Name: "connect_timeout", Kind: mill.Duration, Default: "10s",
			Doc: "time to connect (and TLS handshake)"},
		{Name: "timeout", Kind: mill.Duration, Default: "30s",
			Doc: "total time for one request, body included"},
		{Name: "max_body_size", Kind: mill.Size, Default: "10MiB",
			Doc: "larger bodies (decoded size) are cut and the page dropped as too_large"},
		{Name: "max_redirects", Kind: mill.Int, Default: "5", HasMin: true, Min: 0,
			Doc: "redirect hops followed from a URL (each target is queued and fetched as a URL)"},
		{Name: "content_types", Kind: mill.Strings,
			Default: "text/html,application/xhtml+xml,text/plain",
			Doc:     "media types made into documents; others are dropped as content_type"},
		{Name: "allow_private_networks", Kind: mill.Bool, Default: "false",
			Doc: "allow loopback, private, link-local and multicast addresses (tests, intranets)"},
		{Name: "max_links_per_page", Kind: mill.Int, Default: "10000", HasMin: true, Min: 0,
			Doc: "links taken from one page (0: all)"},
		{Name: "warc_dir", Kind: mill.String, Doc: "write every request and response here as WARC"},
		{Name: "warc_max_size", Kind: mill.Size, Default: "1GB",
			Doc: "rotate to a new WARC file after this many bytes"},
		{Name: "warc_prefix", Kind: mill.String, Default: "tokenmill", Doc: "WARC file name prefix"},
		{Name: "state_dir", Kind: mill.String,
			Doc: "keep the crawl journal here so a killed crawl resumes where it stopped"},
		{Name: "window", Kind: mill.Int, Default: "1024", HasMin: true, Min: 1,
			Doc: "fetched pages held to restore discovery order (bounds memory)"},
		{Name: "source", Kind: mill.String, Default: "web", Doc: "the documents' source field"},
	},
	Example: "sources:\n  - kind: web\n    urls: seeds.txt\n    max_depth: 3\n" +
		"    max_pages: 5000\n    warc_dir: warc/\n    state_dir: crawl-state/\n",
	NewSource: func(cfg mill.Config, env mill.Env) (mill.Source, error) {
		wc, err := WebConfigFrom(cfg, env.BaseDir)
		if err != nil {
			return nil, err
		}
		return NewWebSource(wc, env.Logger)
	},
}

// WebConfigFrom builds a WebConfig from validated options; relative paths
// resolve against baseDir.
func WebConfigFrom(cfg mill.Config, baseDir string) (*WebConfig, error) {
	resolve := func(p string) string {
		if p == "" || filepath.IsAbs(p) || baseDir == "" {
			return p
		}
		return filepath.Join(baseDir, p)
	}
	wc := &WebConfig{
		Seeds: cfg.Strings("seeds"), Scope: cfg.String("scope"),
		AllowedDomains: cfg.Strings("allowed_domains"), Include: cfg.Strings("include"),
		Exclude: cfg.Strings("exclude"), SkipExtensions: cfg.Strings("skip_extensions"),
		MaxDepth: cfg.Int("max_depth"), MaxPages: cfg.Int("max_pages"),
		MaxPagesHost: cfg.Int("max_pages_per_host"), Sitemaps: cfg.Bool("sitemaps"),
		RespectRobots: cfg.Bool("respect_robots"), RobotsTTL: cfg.Duration("robots_ttl"),
		UserAgent: cfg.String("user_agent"), RobotToken: cfg.String("robot_token"),
		Delay: cfg.Duration("delay"), MaxCrawlDelay: cfg.Duration("max_crawl_delay"),
		HostParallel: cfg.Int("per_host_parallelism"), Concurrency: cfg.Int("concurrency"),
		MaxRetries: cfg.Int("max_retries"), RetryBase: cfg.Duration("retry_base"),
		MaxRetryWait: cfg.Duration("max_retry_wait"), ConnectTimeout: cfg.Duration("connect_timeout"),
		Timeout: cfg.Duration("timeout"), MaxBodySize: cfg.Size("max_body_size"),
		MaxRedirects: cfg.Int("max_redirects"), ContentTypes: cfg.Strings("content_types"),
		AllowPrivateNetworks: cfg.Bool("allow_private_networks"),
		MaxLinks:             cfg.Int("max_links_per_page"),
		WARCDir:              resolve(cfg.String("warc_dir")), WARCMaxSize: cfg.Size("warc_max_size"),
		WARCPrefix: cfg.String("warc_prefix"), StateDir: resolve(cfg.String("state_dir")),
		Window: cfg.Int("window"), Label: cfg.String("source"),
	}
	if f := cfg.String("urls"); f != "" {
		seeds, err := ReadSeedFile(resolve(f))
		if err != nil {
			return nil, err
		}
		wc.Seeds = append(wc.Seeds, seeds...)
	}
	return wc, nil
}

// DefaultWebConfig returns the configuration WebSpec's defaults describe,
// with the given seeds.
func DefaultWebConfig(seeds ...string) *WebConfig {
	cfg, err := mill.NewConfig(&WebSpec, map[string]any{"seeds": seeds})
	if err != nil {
		panic("crawl: web defaults do not validate: " + err.Error())
	}
	wc, err := WebConfigFrom(cfg, "")
	if err != nil {
		panic("crawl: " + err.Error())
	}
	return wc
}

// ReadSeedFile reads seed URLs, one per line; blank lines and lines
// starting with # are ignored.
func ReadSeedFile(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading seed URLs: %w", err)
	}
	defer f.Close()
	var seeds []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		seeds = append(seeds, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading seed URLs from %s: %w", path, err)
	}
	if len(seeds) == 0 {
		return nil, fmt.Errorf("%s holds no seed URL", path)
	}
	return seeds, nil
}
