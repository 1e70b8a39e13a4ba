/*
 * A static HTML site: index.html lists the files (sortable, filterable,
 * with a coverage bar each) and links to one page per source file, its
 * lines marked run, missed or excluded.  Everything is in the directory:
 * no server, no network, no external script.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/atomicfile.h"
#include "common/buf.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "report/emit.h"
#include "report/report.h"
#include "report/source.h"

static const char style_css[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;"
    "margin:0;color:#222;background:#fff}\n"
    "header,main,footer{padding:0 1.5em}\n"
    "header{background:#f4f4f4;border-bottom:1px solid #ccc;"
    "padding-top:.5em;padding-bottom:.5em}\n"
    "h1{font-size:1.3em;margin:.3em 0}\n"
    "a{color:#0645ad}\n"
    "footer{color:#666;font-size:.85em;margin:1.5em 0}\n"
    ".note{background:#fff4d6;border:1px solid #e0b84a;padding:.6em 1em;"
    "margin:1em 0}\n"
    "table.files{border-collapse:collapse;margin:1em 0}\n"
    "table.files th,table.files td{padding:.25em .8em;text-align:right;"
    "border-bottom:1px solid #e4e4e4}\n"
    "table.files th:first-child,table.files td:first-child{text-align:left}\n"
    "table.files thead th{cursor:pointer;user-select:none;"
    "background:#f4f4f4}\n"
    "table.files th[aria-sort=ascending]::after{content:' \\25b2'}\n"
    "table.files th[aria-sort=descending]::after{content:' \\25bc'}\n"
    "table.files tfoot td{font-weight:bold;border-top:2px solid #999}\n"
    ".bar{display:inline-block;width:8em;height:.8em;background:#e55;"
    "vertical-align:middle;margin-right:.5em}\n"
    ".bar span{display:block;height:100%;background:#4a4}\n"
    "#filter{margin-top:1em;padding:.3em;width:20em}\n"
    ".stats span{margin-right:1.5em}\n"
    ".keys{font-size:.9em;color:#444}\n"
    "kbd{border:1px solid #aaa;border-radius:3px;padding:0 .3em;"
    "background:#fafafa}\n"
    ".src{font-family:ui-monospace,'DejaVu Sans Mono',monospace;"
    "font-size:.85em;margin:1em 0;tab-size:8;-moz-tab-size:8}\n"
    ".l{display:flex;white-space:pre;line-height:1.35}\n"
    ".l .n{flex:none;width:5em;text-align:right;padding-right:1em;"
    "color:#999;text-decoration:none;border-right:4px solid transparent}\n"
    ".l .t{padding-left:.8em}\n"
    ".l.run{background:#e6f6e6}.l.run .n{border-right-color:#4a4}\n"
    ".l.mis{background:#fbe3e3}.l.mis .n{border-right-color:#d33}\n"
    ".l.exc{background:#f0f0f0;color:#888}\n"
    ".l .ctx{margin-left:auto;padding:0 .8em;color:#777;font-size:.85em;"
    "font-family:system-ui,sans-serif}\n"
    ".l:target{outline:2px solid #36c}\n"
    "button{margin-right:.5em}\n";

static const char script_js[] =
    "'use strict';\n"
    "(function () {\n"
    "  function each(list, fn) { Array.prototype.forEach.call(list, fn); }\n"
    "  function sortKey(row, col) {\n"
    "    var cell = row.cells[col], v = cell.getAttribute('data-sort');\n"
    "    return v === null ? cell.textContent : parseFloat(v);\n"
    "  }\n"
    "  function initIndex(table) {\n"
    "    var body = table.tBodies[0], heads = table.tHead.rows[0].cells;\n"
    "    var col = 0, dir = 1;\n"
    "    function sortBy(c) {\n"
    "      dir = c === col ? -dir : 1;\n"
    "      col = c;\n"
    "      var rows = Array.prototype.slice.call(body.rows);\n"
    "      rows.sort(function (a, b) {\n"
    "        var x = sortKey(a, col), y = sortKey(b, col), r;\n"
    "        r = typeof x === 'number' ? x - y : (x < y ? -1 : x > y ? 1 : 0);\n"
    "        if (r === 0) {\n"
    "          x = a.cells[0].textContent; y = b.cells[0].textContent;\n"
    "          r = x < y ? -1 : x > y ? 1 : 0;\n"
    "        }\n"
    "        return r * dir;\n"
    "      });\n"
    "      rows.forEach(function (r) { body.appendChild(r); });\n"
    "      each(heads, function (th, i) {\n"
    "        th.setAttribute('aria-sort', i === col ?\n"
    "          (dir > 0 ? 'ascending' : 'descending') : 'none');\n"
    "      });\n"
    "    }\n"
    "    each(heads, function (th, i) {\n"
    "      th.tabIndex = 0;\n"
    "      th.addEventListener('click', function () { sortBy(i); });\n"
    "      th.addEventListener('keydown', function (e) {\n"
    "        if (e.key === 'Enter' || e.key === ' ') {\n"
    "          e.preventDefault(); sortBy(i);\n"
    "        }\n"
    "      });\n"
    "    });\n"
    "    var filter = document.getElementById('filter');\n"
    "    var shown = document.getElementById('shown');\n"
    "    function applyFilter() {\n"
    "      var text = filter.value.toLowerCase(), n = 0;\n"
    "      each(body.rows, function (r) {\n"
    "        var name = r.cells[0].textContent.toLowerCase();\n"
    "        r.hidden = name.indexOf(text) < 0;\n"
    "        if (!r.hidden) n++;\n"
    "      });\n"
    "      shown.textContent = n + ' of ' + body.rows.length + ' files';\n"
    "    }\n"
    "    filter.addEventListener('input', applyFilter);\n"
    "    applyFilter();\n"
    "  }\n"
    "  function initSource() {\n"
    "    var chunks = document.querySelectorAll('.l.mis.first'), cur = -1;\n"
    "    var where = document.getElementById('where');\n"
    "    function go(step) {\n"
    "      if (chunks.length === 0) return;\n"
    "      cur = (cur + step + chunks.length) % chunks.length;\n"
    "      location.hash = chunks[cur].id;\n"
    "      where.textContent = 'missed block ' + (cur + 1) + ' of ' +\n"
    "        chunks.length;\n"
    "    }\n"
    "    document.getElementById('next').addEventListener('click',\n"
    "      function () { go(1); });\n"
    "    document.getElementById('prev').addEventListener('click',\n"
    "      function () { go(-1); });\n"
    "    document.addEventListener('keydown', function (e) {\n"
    "      if (e.ctrlKey || e.metaKey || e.altKey) return;\n"
    "      if (e.key === 'j' || e.key === 'n') go(1);\n"
    "      else if (e.key === 'k' || e.key === 'p') go(-1);\n"
    "    });\n"
    "  }\n"
    "  document.addEventListener('DOMContentLoaded', function () {\n"
    "    var table = document.getElementById('files');\n"
    "    if (table) initIndex(table);\n"
    "    if (document.getElementById('next')) initSource();\n"
    "  });\n"
    "})();\n";

struct page {
	const struct report_row *row;
	char *file; /* the page's file name in the directory */
};

struct site {
	const char *dir;
	const struct report_opts *opts;
	const struct coverage *cov;	/* finished */
	char stamp[64];
};

/* A file name for a source's page: its display name made safe, and a hash
 * of the full path, since two names can be made safe into one. */
static char *
page_name(const char *name, const char *path)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	struct buf b = BUF_INIT;

	for (const char *p = path; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	for (const char *p = name; *p != '\0' && b.len < 80; p++) {
		char c = *p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		        (c >= '0' && c <= '9') || c == '-'))
			c = '_';
		buf_addch(&b, c);
	}
	buf_printf(&b, "_%08x.html", h);
	return buf_detach(&b, NULL);
}

static void
put_head(FILE *out, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width\">\n"
	      "<title>",
	    out);
	emit_xml(out, title);
	fputs("</title>\n<link rel=\"icon\" href=\"data:,\">\n"
	      "<link rel=\"stylesheet\" href=\"style.css\">\n"
	      "<script src=\"covtrace.js\"></script>\n</head>\n<body>\n",
	    out);
}

static void
put_foot(FILE *out, const struct site *site)
{
	fputs("<footer>Created by covtrace ", out);
	emit_xml(out, site->opts->version != NULL ? site->opts->version : "");
	fprintf(out, " at %s.</footer>\n</body>\n</html>\n", site->stamp);
}

static void
put_percent(FILE *out, const struct report_row *r, int precision)
{
	char pc[64];

	report_format_percent(pc, sizeof(pc), r->stmts, r->stmts - r->miss,
	    precision);
	fprintf(out, "%s%%", pc);
}

/* The Coverage cell: a sort key, a bar and the percentage. */
static void
put_cover_cell(FILE *out, const struct report_row *r, int precision)
{
	double frac = r->stmts ? (double)(r->stmts - r->miss) / r->stmts : 1;

	fprintf(out,
	    "<td data-sort=\"%.6f\"><span class=\"bar\" aria-hidden=\"true\">"
	    "<span style=\"width:%.1f%%\"></span></span>",
	    frac, 100 * frac);
	put_percent(out, r, precision);
	fputs("</td>", out);
}

static void
put_index_row(FILE *out, const struct page *pg, const char *tag, int precision)
{
	const struct report_row *r = pg->row;
	size_t nexcl = r->file != NULL ? r->file->nexcluded : 0;

	fputs("<tr><td>", out);
	if (pg->file != NULL) {
		fprintf(out, "<a href=\"%s\">", pg->file);
		emit_xml(out, r->name);
		fputs("</a>", out);
	} else
		emit_xml(out, r->name);
	fprintf(out,
	    "</td><%s data-sort=\"%zu\">%zu</%s><%s data-sort=\"%zu\">%zu</%s>"
	    "<%s data-sort=\"%zu\">%zu</%s><%s data-sort=\"%zu\">%zu/%zu</%s>",
	    tag, r->stmts, r->stmts, tag, tag, r->miss, r->miss, tag, tag,
	    nexcl, nexcl, tag, tag, r->funcs_hit, r->funcs_hit, r->nfuncs, tag);
	put_cover_cell(out, r, precision);
	fputs("</tr>\n", out);
}

static void
write_index(FILE *out, const struct site *site, const struct report_rows *rr,
    const struct page *pages, size_t total_excluded)
{
	struct page total = {.row = &rr->total};
	char pc[64];

	report_format_percent(pc, sizeof(pc), rr->total.stmts,
	    rr->total.stmts - rr->total.miss, site->opts->precision);
	put_head(out, "Coverage report");
	fprintf(out,
	    "<header><h1>Coverage report: <span id=\"total\">%s%%</span></h1>"
	    "\n<p class=\"stats\"><span>%zu file%s</span>"
	    "<span>%zu statements</span><span>%zu missed</span>"
	    "<span>%zu excluded</span></p></header>\n<main>\n",
	    pc, rr->n + rr->skipped, rr->n + rr->skipped == 1 ? "" : "s",
	    rr->total.stmts, rr->total.miss, total_excluded);
	fputs("<input id=\"filter\" type=\"search\" placeholder=\"filter by "
	      "name\" aria-label=\"filter by name\"> <span id=\"shown\">"
	      "</span>\n",
	    out);
	fputs("<table class=\"files\" id=\"files\">\n<thead><tr>"
	      "<th aria-sort=\"ascending\">File</th><th>Statements</th>"
	      "<th>Missing</th><th>Excluded</th><th>Functions</th>"
	      "<th>Coverage</th></tr></thead>\n<tbody>\n",
	    out);
	for (size_t i = 0; i < rr->n; i++)
		put_index_row(out, &pages[i], "td", site->opts->precision);
	fputs("</tbody>\n<tfoot>\n", out);
	put_index_row(out, &total, "td", site->opts->precision);
	fputs("</tfoot>\n</table>\n", out);
	if (rr->skipped > 0)
		fprintf(out,
		    "<p>%zu file%s skipped due to complete coverage.</p>\n",
		    rr->skipped, rr->skipped == 1 ? "" : "s");
	fputs("</main>\n", out);
	put_foot(out, site);
}

enum lstate { L_NONE, L_RUN, L_MISS, L_EXCL };

/* The state of every line up to the last one the data or the source has. */
static enum lstate *
line_states(const struct cov_file *f, size_t nsrc, size_t *nstatesp)
{
	size_t n = nsrc;
	enum lstate *st;

	if (f->nlines > 0 && f->lines[f->nlines - 1].line > n)
		n = f->lines[f->nlines - 1].line;
	for (size_t i = 0; i < f->nexcluded; i++)
		if (f->excluded[i] > n)
			n = f->excluded[i];
	st = xcalloc(n + 1, sizeof(*st));
	for (size_t i = 0; i < f->nlines; i++)
		st[f->lines[i].line - 1] = f->lines[i].hit ? L_RUN : L_MISS;
	for (size_t i = 0; i < f->nexcluded; i++)
		st[f->excluded[i] - 1] = L_EXCL;
	*nstatesp = n;
	return st;
}

/* With --cov-context=test, "covered by JOB, JOB" after a line that ran. */
static void
put_contexts(FILE *out, const struct coverage *cov, const struct cov_file *f,
    size_t ln)
{
	size_t n;
	const struct cov_tag *t =
	    cov_tags_of_line(f->ctx, f->nctx, (uint32_t)ln, &n);

	if (t == NULL)
		return;
	fputs("<span class=\"ctx\">covered by ", out);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			fputs(", ", out);
		emit_xml(out, cov->contexts[t[i].id]);
	}
	fputs("</span>", out);
}

static void
put_line(FILE *out, size_t ln, enum lstate st, bool first_miss,
    const char *text)
{
	static const char *const cls[] = {"", " run", " mis", " exc"};

	fprintf(out,
	    "<div class=\"l%s%s\" id=\"L%zu\"><a class=\"n\" "
	    "href=\"#L%zu\">%zu</a><span class=\"t\">",
	    cls[st], first_miss ? " first" : "", ln, ln, ln);
	if (text != NULL)
		emit_xml(out, text);
	fputs("</span>", out);
}

/* The lines; without a source only the statement lines, without text. */
static void
put_lines(FILE *out, const struct coverage *cov, const struct cov_file *f,
    const struct source *src, bool readable)
{
	size_t n;
	enum lstate *st = line_states(f, readable ? src->nlines : 0, &n);
	enum lstate prev = L_NONE;

	fputs("<div class=\"src\">\n", out);
	for (size_t ln = 1; ln <= n; ln++) {
		enum lstate s = st[ln - 1];
		bool first = s == L_MISS && prev != L_MISS;

		if (!readable && s == L_NONE)
			continue;
		put_line(out, ln, s, first,
		    readable && ln <= src->nlines ? src->lines[ln - 1] : NULL);
		if (s == L_RUN)
			put_contexts(out, cov, f, ln);
		fputs("</div>\n", out);
		/* A missed block runs on over lines that are no statements. */
		if (s != L_NONE)
			prev = s;
	}
	fputs("</div>\n", out);
	free(st);
}

static void
put_funcs(FILE *out, const struct cov_file *f)
{
	if (f->nfuncs == 0)
		return;
	fputs("<table class=\"files\"><thead><tr><th>Function</th>"
	      "<th>Line</th><th>Run</th></tr></thead>\n<tbody>\n",
	    out);
	for (size_t i = 0; i < f->nfuncs; i++) {
		fputs("<tr><td>", out);
		emit_xml(out, f->funcs[i].name);
		fprintf(out,
		    "</td><td><a href=\"#L%u\">%u</a></td><td>%s</td>"
		    "</tr>\n",
		    f->funcs[i].line, f->funcs[i].line,
		    f->funcs[i].hit ? "yes" : "no");
	}
	fputs("</tbody></table>\n", out);
}

static void
put_source_note(FILE *out, const struct cov_file *f, int err,
    const struct source *src)
{
	if (err != 0) {
		fputs(
		    "<p class=\"note\" id=\"unreadable\">The source file <code>",
		    out);
		emit_xml(out, f->path);
		fputs("</code> could not be read (", out);
		emit_xml(out, strerror(err));
		fputs(
		    "), so only its statement lines are listed, without their "
		    "text. Run the report where the sources are, or map their "
		    "path with <code>--path-map</code>.</p>\n",
		    out);
	} else if (f->nlines > 0 && f->lines[f->nlines - 1].line > src->nlines)
		fprintf(out,
		    "<p class=\"note\">The source file has %zu lines, but the "
		    "coverage data names line %u: the file has changed since "
		    "it was measured.</p>\n",
		    src->nlines, f->lines[f->nlines - 1].line);
}

static void
write_file_page(FILE *out, const struct site *site, const struct page *pg)
{
	const struct report_row *r = pg->row;
	const struct cov_file *f = r->file;
	struct source src;
	int err = 0;
	char *title;

	if (source_read(f->path, &src) == -1)
		err = errno != 0 ? errno : EIO;
	title = xasprintf("Coverage for %s", r->name);
	put_head(out, title);
	fputs("<header><h1>Coverage for <code>", out);
	emit_xml(out, r->name);
	fputs("</code>: ", out);
	put_percent(out, r, site->opts->precision);
	fprintf(out,
	    "</h1>\n<p class=\"stats\"><span>%zu statements</span>"
	    "<span class=\"run\">%zu run</span><span>%zu missing</span>"
	    "<span>%zu excluded</span><span>%zu/%zu functions run</span>"
	    "</p>\n<p class=\"keys\"><button id=\"prev\" type=\"button\">"
	    "previous miss</button><button id=\"next\" type=\"button\">next "
	    "miss</button><kbd>j</kbd> or <kbd>n</kbd>: next missed block, "
	    "<kbd>k</kbd> or <kbd>p</kbd>: previous. <span id=\"where\">"
	    "</span> <a href=\"index.html\">Index</a></p></header>\n<main>\n",
	    r->stmts, r->stmts - r->miss, r->miss, f->nexcluded, r->funcs_hit,
	    r->nfuncs);
	put_source_note(out, f, err, &src);
	put_lines(out, site->cov, f, &src, err == 0);
	put_funcs(out, f);
	fputs("</main>\n", out);
	put_foot(out, site);
	free(title);
	source_release(&src);
}

/* Write one file of the site through a memory stream, then atomically. */
static int
write_site_file(const struct site *site, const char *name,
    void (*fill)(FILE *, const void *), const void *arg)
{
	char *text = NULL, *path = xasprintf("%s/%s", site->dir, name);
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	int r = -1;

	if (out == NULL) {
		error_errno("cannot write '%s'", path);
		goto out;
	}
	fill(out, arg);
	if (fclose(out) == EOF) {
		error_errno("cannot write '%s'", path);
		goto out;
	}
	if (atomicfile_write_quiet(path, text, len, false) == -1) {
		error_errno("cannot write '%s'", path);
		goto out;
	}
	r = 0;
out:
	free(text);
	free(path);
	return r;
}

static void
fill_text(FILE *out, const void *arg)
{
	fputs(arg, out);
}

struct page_arg {
	const struct site *site;
	const struct page *page;
};

static void
fill_page(FILE *out, const void *arg)
{
	const struct page_arg *pa = arg;

	write_file_page(out, pa->site, pa->page);
}

struct index_arg {
	const struct site *site;
	const struct report_rows *rr;
	const struct page *pages;
	size_t excluded;
};

static void
fill_index(FILE *out, const void *arg)
{
	const struct index_arg *ia = arg;

	write_index(out, ia->site, ia->rr, ia->pages, ia->excluded);
}

/* mkdir -p: only the last component's failure counts. */
static int
make_dir(const char *dir)
{
	char *p = xstrdup(dir);
	int r = 0;

	for (char *s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		(void)mkdir(p, 0777);
		*s = '/';
	}
	if (mkdir(p, 0777) == -1 && errno != EEXIST)
		r = error_errno("cannot create directory '%s'", dir);
	free(p);
	return r;
}

static int
write_site(const struct site *site, const struct coverage *cov,
    const struct report_rows *rr)
{
	struct page *pages = xcalloc(rr->n + 1, sizeof(*pages));
	struct index_arg ia = {site, rr, pages, 0};
	int r = 0;

	for (size_t i = 0; i < cov->nfiles; i++)
		ia.excluded += cov->files[i].nexcluded;
	for (size_t i = 0; i < rr->n && r == 0; i++) {
		struct page_arg pa = {site, &pages[i]};

		pages[i].row = &rr->rows[i];
		pages[i].file =
		    page_name(rr->rows[i].name, rr->rows[i].file->path);
		r = write_site_file(site, pages[i].file, fill_page, &pa);
	}
	if (r == 0)
		r = write_site_file(site, "style.css", fill_text, style_css);
	if (r == 0)
		r = write_site_file(site, "covtrace.js", fill_text, script_js);
	if (r == 0)
		r = write_site_file(site, "index.html", fill_index, &ia);
	for (size_t i = 0; i < rr->n; i++)
		free(pages[i].file);
	free(pages);
	return r;
}

static int
html_write(const struct coverage *cov, const struct report_opts *opts,
    const char *dir)
{
	struct report_opts byname = *opts;
	struct site site = {.dir = dir, .opts = opts};
	struct coverage *copy;
	struct report_rows rr;
	time_t now = (time_t)opts->now;
	struct tm tm;
	int r;

	if (make_dir(dir) == -1)
		return -1;
	if (localtime_r(&now, &tm) != NULL)
		strftime(site.stamp, sizeof(site.stamp), "%Y-%m-%d %H:%M %z",
		    &tm);
	cov = coverage_finished(cov, &copy);
	site.cov = cov;
	/* The index starts sorted by name; the page sorts it further. */
	byname.sort = REPORT_SORT_NAME;
	byname.sort_reverse = false;
	report_rows_init(&rr, cov, &byname);
	r = write_site(&site, cov, &rr);
	report_rows_release(&rr);
	coverage_free(copy);
	return r;
}

const struct report_writer report_writer_html = {
    .name = "html",
    .what = "HTML",
    .default_dest = "htmlcov",
    .write_dir = html_write,
};
