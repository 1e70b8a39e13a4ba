#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <regex.h>
#include <stdarg.h>
#include <stdnoreturn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/options.h"
#include "common/log.h"
#include "common/xalloc.h"

enum {
	OPT_COV = 256,
	OPT_COV_REPORT,
	OPT_DATA_FILE,
	OPT_NO_CACHE,
	OPT_CPU,
	OPT_IDLE,
	OPT_PARALLEL_MODE,
	OPT_COV_APPEND,
	OPT_KEEP,
	OPT_PATH_MAP,
	OPT_EXCLUDE_LINE,
	OPT_SKIP_COVERED,
	OPT_PRECISION,
	OPT_SORT,
	OPT_FAIL_UNDER,
	OPT_COV_INCLUDE,
	OPT_COV_EXCLUDE,
	OPT_PID,
	OPT_TX,
	OPT_DIST,
	OPT_JOBS_FROM,
	OPT_IGNORE,
	OPT_MAX_WORKER_RESTART,
	OPT_TIMEOUT,
	OPT_COV_CONTEXT,
	OPT_WORKER,
	OPT_BY_WORKER,
	OPT_RSYNCDIR,
	OPT_RSYNCIGNORE,
	OPT_SSH_ACCEPT_NEW,
	OPT_SSH_KEEPALIVE,
};

static const struct option long_options[] = {
	{ "cov", required_argument, NULL, OPT_COV },
	{ "cov-report", required_argument, NULL, OPT_COV_REPORT },
	{ "data-file", required_argument, NULL, OPT_DATA_FILE },
	{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
	{ "cpu", required_argument, NULL, OPT_CPU },
	{ "idle", required_argument, NULL, OPT_IDLE },
	{ "parallel-mode", no_argument, NULL, OPT_PARALLEL_MODE },
	{ "cov-append", no_argument, NULL, OPT_COV_APPEND },
	{ "keep", no_argument, NULL, OPT_KEEP },
	{ "path-map", required_argument, NULL, OPT_PATH_MAP },
	{ "exclude-line", required_argument, NULL, OPT_EXCLUDE_LINE },
	{ "skip-covered", no_argument, NULL, OPT_SKIP_COVERED },
	{ "precision", required_argument, NULL, OPT_PRECISION },
	{ "sort", required_argument, NULL, OPT_SORT },
	{ "cov-fail-under", required_argument, NULL, OPT_FAIL_UNDER },
	{ "cov-include", required_argument, NULL, OPT_COV_INCLUDE },
	{ "cov-exclude", required_argument, NULL, OPT_COV_EXCLUDE },
	{ "pid", required_argument, NULL, OPT_PID },
	{ "numprocesses", required_argument, NULL, 'n' },
	{ "tx", required_argument, NULL, OPT_TX },
	{ "dist", required_argument, NULL, OPT_DIST },
	{ "jobs-from", required_argument, NULL, OPT_JOBS_FROM },
	{ "ignore", required_argument, NULL, OPT_IGNORE },
	{ "max-worker-restart", required_argument, NULL,
	    OPT_MAX_WORKER_RESTART },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "cov-context", required_argument, NULL, OPT_COV_CONTEXT },
	{ "worker", no_argument, NULL, OPT_WORKER },
	{ "by-worker", no_argument, NULL, OPT_BY_WORKER },
	{ "rsyncdir", required_argument, NULL, OPT_RSYNCDIR },
	{ "rsyncignore", required_argument, NULL, OPT_RSYNCIGNORE },
	{ "ssh-accept-new", no_argument, NULL, OPT_SSH_ACCEPT_NEW },
	{ "ssh-keepalive", required_argument, NULL, OPT_SSH_KEEPALIVE },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

#define RUN (1u << MODE_RUN)
#define REPORT (1u << MODE_REPORT)
#define COMBINE (1u << MODE_COMBINE)
#define ERASE (1u << MODE_ERASE)
#define WORKER (1u << MODE_WORKER)
#define ANY (RUN | REPORT | COMBINE | ERASE | WORKER)

/* The modes in which each option means something. */
static unsigned
option_modes(int c)
{
	switch (c) {
	case OPT_COV:
	case OPT_COV_INCLUDE:
	case OPT_COV_EXCLUDE:
	case OPT_PID:
	case 'n':
	case OPT_TX:
	case OPT_RSYNCDIR:
	case OPT_RSYNCIGNORE:
	case OPT_SSH_ACCEPT_NEW:
	case OPT_SSH_KEEPALIVE:
	case OPT_DIST:
	case OPT_JOBS_FROM:
	case OPT_IGNORE:
	case OPT_MAX_WORKER_RESTART:
	case OPT_TIMEOUT:
	case OPT_COV_CONTEXT:
	case OPT_WORKER:
	case OPT_NO_CACHE:
	case OPT_CPU:
	case OPT_IDLE:
	case OPT_PARALLEL_MODE:
		return RUN;
	case OPT_COV_APPEND:
		return RUN | COMBINE;
	case OPT_KEEP:
		return COMBINE;
	case OPT_BY_WORKER:
		return REPORT;
	case OPT_PATH_MAP:
		return RUN | REPORT | COMBINE;
	case OPT_COV_REPORT:
	case OPT_EXCLUDE_LINE:
	case OPT_SKIP_COVERED:
	case OPT_PRECISION:
	case OPT_SORT:
	case OPT_FAIL_UNDER:
		return RUN | REPORT;
	default:
		return ANY;
	}
}

static const char *const mode_names[] = {
	[MODE_RUN] = "tracing a command",
	[MODE_REPORT] = "report",
	[MODE_COMBINE] = "combine",
	[MODE_ERASE] = "erase",
	[MODE_WORKER] = "a worker",
};

/* The name of a long option, for messages. */
static const char *
option_name(int c)
{
	for (const struct option *o = long_options; o->name != NULL; o++)
		if (o->val == c)
			return o->name;
	return "?";
}

static void
usage(void)
{
	printf("Usage: covtrace [OPTIONS] -- COMMAND [ARG]...\n"
	       "       covtrace [OPTIONS] PATH...\n"
	       "       covtrace report [OPTIONS]\n"
	       "       covtrace combine [OPTIONS] [FILE|DIR]...\n"
	       "       covtrace erase [--data-file=FILE]\n"
	       "\n"
	       "Measure which source lines of a program (and of every program it\n"
	       "forks or execs) run, without recompiling it.\n"
	       "\n"
	       "Tracing:\n"
	       "  --cov=PATH          measure the sources under PATH (repeatable;\n"
	       "                      default: the current directory)\n"
	       "  --cov-include=GLOB  measure only source files matching GLOB\n"
	       "                      (repeatable; '**' crosses directories)\n"
	       "  --cov-exclude=GLOB  do not measure source files matching GLOB\n"
	       "  --pid=PID           attach to a running process instead of\n"
	       "                      running a command; detach at its exit or ^C\n"
	       "  --no-cache          neither read nor write the line-table cache\n"
	       "  --cpu=PLACEMENT     any (default) or same: pin covtrace and the\n"
	       "                      program to one CPU\n"
	       "  --idle=MODE         poll (default: idle CPUs poll while tracing,\n"
	       "                      when covtrace may ask) or sleep\n"
	       "  --parallel-mode     save to FILE.HOST.PID.RANDOM, for combine\n"
	       "\n"
	       "Jobs and workers (PATH...: every executable file under PATH is a job):\n"
	       "  --jobs-from=FILE    one job (a command line) per line of FILE\n"
	       "  --ignore=GLOB       do not collect paths matching GLOB (repeatable)\n"
	       "  -n, --numprocesses=N  run jobs on N local workers (auto: one\n"
	       "                      per CPU); replaces any --tx\n"
	       "  --tx=SPEC           a worker: [N*]popen[//chdir=DIR][//env:K=V]...\n"
	       "                      or ssh=[USER@]HOST[:PORT]... (repeatable)\n"
	       "  --rsyncdir=DIR      copy DIR into each worker's chdir first\n"
	       "                      (repeatable; over SFTP to ssh= workers)\n"
	       "  --rsyncignore=GLOB  leave files matching GLOB out of --rsyncdir\n"
	       "  --ssh-accept-new    add the key of an ssh= host that is not in\n"
	       "                      ~/.ssh/known_hosts yet (a changed key fails)\n"
	       "  --ssh-keepalive=SEC  seconds between SSH keepalives (default 5);\n"
	       "                      a host that answers none of 3 is lost\n"
	       "  --dist=MODE         load (default with workers), each or no\n"
	       "  --max-worker-restart=N  replace at most N dead workers\n"
	       "  --timeout=SEC       kill a job that runs longer; it fails\n"
	       "  --cov-context=test  record which job covered each line\n"
	       "  --worker            speak the worker protocol on stdin/stdout\n"
	       "  --by-worker         report: where the workers' coverage differs\n"
	       "\n"
	       "Data:\n"
	       "  --data-file=FILE    the data file (default: $COVTRACE_FILE,\n"
	       "                      else .covtrace)\n"
	       "  --cov-append        add to the data file instead of replacing it\n"
	       "  --keep              combine: keep the files that were combined\n"
	       "  --path-map=FROM=TO  rewrite source paths starting with FROM\n"
	       "                      (repeatable; the first match wins)\n"
	       "\n"
	       "Reports:\n"
	       "  --cov-report=KIND[:DEST]  term (default), term-missing,\n"
	       "                      lcov[:FILE], xml[:FILE], json[:FILE],\n"
	       "                      markdown[:FILE], html[:DIR]; repeatable;\n"
	       "                      empty for no report\n"
	       "  --skip-covered      leave fully covered files out of the table\n"
	       "  --precision=N       digits after the point of percentages\n"
	       "  --sort=KEY          name, stmts, miss or cover; -KEY descending\n"
	       "  --exclude-line=REGEX  exclude lines matching REGEX (repeatable)\n"
	       "  --cov-fail-under=MIN  exit 2 when total coverage is below MIN\n"
	       "\n"
	       "  -v, --verbose       more messages (twice for debug messages)\n"
	       "  -q, --quiet         no warnings\n"
	       "  -h, --help          show this help and exit\n"
	       "  -V, --version       show the version and exit\n"
	       "\n"
	       "The report goes to standard error; the exit status is the program's\n"
	       "(128+N when a signal N killed it). See covtrace(1).\n");
}

static noreturn void usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static void
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "covtrace: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'covtrace --help' for more information.\n");
	exit(2);
}

/* Add one --cov-report=KIND[:DEST]. */
static void
parse_report(struct options *opts, const char *arg)
{
	const char *colon = strchr(arg, ':');
	char *kind = colon ? xstrndup(arg, (size_t)(colon - arg)) : xstrdup(arg);
	const char *dest = colon ? colon + 1 : NULL;
	struct report_request rq = {0};

	opts->reports_given = true;
	if (kind[0] == '\0' && dest == NULL) {
		free(kind);
		return;
	}
	rq.show_missing = strcmp(kind, "term-missing") == 0;
	rq.writer = report_writer_find(rq.show_missing ? "term" : kind);
	if (rq.writer == NULL)
		usage_error("unknown report type '%s' (expected term, "
			    "term-missing, lcov, xml, json, markdown or html)",
		    kind);
	if (rq.writer->default_dest == NULL && dest != NULL) {
		/* pytest-cov's term:skip-covered and term-missing:skip-covered */
		if (strcmp(dest, "skip-covered") != 0)
			usage_error("report type '%s' takes no destination, "
				    "got '%s'",
			    kind, dest);
		opts->skip_covered = true;
		dest = NULL;
	}
	if (dest != NULL && dest[0] == '\0')
		usage_error("--cov-report=%s: needs a destination after ':'",
		    kind);
	if (dest != NULL && strcmp(dest, "-") == 0 &&
	    rq.writer->write == NULL)
		usage_error("report type '%s' writes a directory, not to "
			    "standard output",
		    kind);
	rq.dest = dest;
	free(kind);
	opts->reports = xreallocarray(opts->reports, opts->nreports + 1,
	    sizeof(*opts->reports));
	opts->reports[opts->nreports++] = rq;
}

static void
parse_path_map(struct options *opts, const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct path_map *m;

	if (eq == NULL || eq == arg)
		usage_error("--path-map needs FROM=TO, got '%s'", arg);
	opts->path_maps = xreallocarray(opts->path_maps, opts->npath_maps + 1,
	    sizeof(*opts->path_maps));
	m = &opts->path_maps[opts->npath_maps++];
	/* The strings stay in argv; from is cut from it by length. */
	m->from = xstrndup(arg, (size_t)(eq - arg));
	m->to = eq + 1;
}

static void
check_regex(const char *re)
{
	regex_t rx;
	char msg[256];
	int rc = regcomp(&rx, re, REG_EXTENDED | REG_NOSUB);

	if (rc != 0) {
		regerror(rc, &rx, msg, sizeof(msg));
		usage_error("bad --exclude-line regular expression '%s': %s", re,
		    msg);
	}
	regfree(&rx);
}

static void
parse_sort(struct options *opts, const char *arg)
{
	static const char *const keys[] = {
		[REPORT_SORT_NAME] = "name",
		[REPORT_SORT_STMTS] = "stmts",
		[REPORT_SORT_MISS] = "miss",
		[REPORT_SORT_COVER] = "cover",
	};
	const char *key = arg[0] == '-' ? arg + 1 : arg;

	for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
		if (strcmp(key, keys[i]) == 0) {
			opts->sort = (enum report_sort)i;
			opts->sort_reverse = arg[0] == '-';
			return;
		}
	}
	usage_error("unknown sort key '%s' (expected name, stmts, miss or "
		    "cover, optionally after '-')",
	    arg);
}

static void
parse_precision(struct options *opts, const char *arg)
{
	if (arg[0] < '0' || arg[0] > '9' || arg[1] != '\0')
		usage_error("--precision needs a number from 0 to 9, got '%s'",
		    arg);
	opts->precision = arg[0] - '0';
}

static void
parse_fail_under(struct options *opts, const char *arg)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (arg[0] == '\0' || *end != '\0' || errno != 0 || !(v >= 0) ||
	    v > 100)
		usage_error("--cov-fail-under needs a percentage from 0 to 100, "
			    "got '%s'",
		    arg);
	opts->fail_under = v;
	opts->fail_under_set = true;
}

static void
parse_pid(struct options *opts, const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v <= 0 ||
	    v > 0x7fffffff)
		usage_error("--pid needs a process id, not '%s'", arg);
	opts->pid = (pid_t)v;
}

static void
parse_numprocesses(struct options *opts, const char *arg)
{
	char *end;
	long v;

	if (strcmp(arg, "auto") == 0 || strcmp(arg, "logical") == 0) {
		v = sysconf(_SC_NPROCESSORS_ONLN);
		opts->numprocesses = v > 0 ? (int)v : 1;
		return;
	}
	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < 0 || v > 4096)
		usage_error("-n needs a number of workers from 0 to 4096 or "
			    "'auto', got '%s'",
		    arg);
	opts->numprocesses = (int)v;
}

static void
parse_tx(struct options *opts, const char *arg)
{
	char err[512];

	opts->tx = xreallocarray(opts->tx, opts->ntx + 1, sizeof(*opts->tx));
	if (txspec_parse(arg, &opts->tx[opts->ntx], err, sizeof(err)) == -1)
		usage_error("%s", err);
	opts->ntx++;
}

static void
parse_dist(struct options *opts, const char *arg)
{
	if (strcmp(arg, "load") == 0)
		opts->dist = DIST_LOAD;
	else if (strcmp(arg, "each") == 0)
		opts->dist = DIST_EACH;
	else if (strcmp(arg, "no") == 0)
		opts->dist = DIST_NO;
	else
		usage_error("unknown --dist mode '%s' (expected load, each or "
			    "no)",
		    arg);
	opts->dist_set = true;
}

static void
parse_max_restart(struct options *opts, const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < 0 || v > 100000)
		usage_error("--max-worker-restart needs a number, got '%s'",
		    arg);
	opts->max_worker_restart = (int)v;
}

static void
parse_timeout(struct options *opts, const char *arg)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (arg[0] == '\0' || *end != '\0' || errno != 0 || !(v > 0) ||
	    v > 1e9)
		usage_error("--timeout needs a number of seconds above 0, got "
			    "'%s'",
		    arg);
	opts->timeout = v;
}

static void add_string(const char ***vp, size_t *np, const char *s);

/* --rsyncdir, --rsyncignore and the SSH options. */
static bool
parse_ssh_option(int c, struct options *opts)
{
	char *end;
	long v;

	switch (c) {
	case OPT_RSYNCDIR:
		if (optarg[0] == '\0')
			usage_error("--rsyncdir needs a directory");
		add_string(&opts->rsync_dirs, &opts->nrsync_dirs, optarg);
		return true;
	case OPT_RSYNCIGNORE:
		add_string(&opts->rsync_ignores, &opts->nrsync_ignores, optarg);
		return true;
	case OPT_SSH_ACCEPT_NEW:
		opts->ssh_accept_new = true;
		return true;
	case OPT_SSH_KEEPALIVE:
		errno = 0;
		v = strtol(optarg, &end, 10);
		if (errno != 0 || end == optarg || *end != '\0' || v < 2 ||
		    v > 3600)
			usage_error("--ssh-keepalive needs a number of seconds "
				    "from 2 to 3600, got '%s'",
			    optarg);
		opts->ssh_keepalive = (int)v;
		return true;
	default:
		return false;
	}
}

/* The distributed-run options. */
static bool
parse_dist_option(int c, struct options *opts)
{
	switch (c) {
	case 'n':
		parse_numprocesses(opts, optarg);
		return true;
	case OPT_TX:
		parse_tx(opts, optarg);
		return true;
	case OPT_DIST:
		parse_dist(opts, optarg);
		return true;
	case OPT_JOBS_FROM:
		add_string(&opts->jobs_from, &opts->njobs_from, optarg);
		return true;
	case OPT_IGNORE:
		add_string(&opts->ignore, &opts->nignore, optarg);
		return true;
	case OPT_MAX_WORKER_RESTART:
		parse_max_restart(opts, optarg);
		return true;
	case OPT_TIMEOUT:
		parse_timeout(opts, optarg);
		return true;
	case OPT_COV_CONTEXT:
		if (strcmp(optarg, "test") != 0)
			usage_error("unknown --cov-context '%s' (expected test)",
			    optarg);
		opts->cov_context = true;
		return true;
	case OPT_WORKER:
		opts->mode = MODE_WORKER;
		return true;
	case OPT_BY_WORKER:
		opts->by_worker = true;
		return true;
	default:
		return parse_ssh_option(c, opts);
	}
}

static void
add_string(const char ***vp, size_t *np, const char *s)
{
	*vp = xreallocarray(*vp, *np + 1, sizeof(**vp));
	(*vp)[(*np)++] = s;
}

/* Options that only set or count something. */
static bool
parse_flag(int c, struct options *opts)
{
	switch (c) {
	case OPT_NO_CACHE:
		opts->no_cache = true;
		return true;
	case OPT_PARALLEL_MODE:
		opts->parallel_mode = true;
		return true;
	case OPT_COV_APPEND:
		opts->append = true;
		return true;
	case OPT_KEEP:
		opts->keep = true;
		return true;
	case OPT_SKIP_COVERED:
		opts->skip_covered = true;
		return true;
	case 'v':
		opts->verbosity++;
		return true;
	case 'q':
		opts->verbosity = -1;
		return true;
	default:
		return false;
	}
}

static void
parse_option(int c, struct options *opts)
{
	if ((option_modes(c) & (1u << opts->mode)) == 0)
		usage_error("option '--%s' does not apply to %s", option_name(c),
		    mode_names[opts->mode]);
	if (parse_flag(c, opts) || parse_dist_option(c, opts))
		return;
	switch (c) {
	case OPT_COV:
		if (optarg[0] == '\0')
			usage_error("--cov needs a path");
		add_string(&opts->cov, &opts->ncov, optarg);
		break;
	case OPT_COV_REPORT:
		parse_report(opts, optarg);
		break;
	case OPT_DATA_FILE:
		if (optarg[0] == '\0')
			usage_error("--data-file needs a file name");
		opts->data_file = optarg;
		break;
	case OPT_CPU:
		if (strcmp(optarg, "any") == 0)
			opts->cpu = CPU_ANY;
		else if (strcmp(optarg, "same") == 0)
			opts->cpu = CPU_SAME;
		else
			usage_error("unknown CPU placement '%s' (expected any or same)",
			    optarg);
		break;
	case OPT_IDLE:
		if (strcmp(optarg, "poll") == 0)
			opts->idle_sleep = false;
		else if (strcmp(optarg, "sleep") == 0)
			opts->idle_sleep = true;
		else
			usage_error("unknown idle mode '%s' (expected poll or sleep)",
			    optarg);
		break;
	case OPT_PATH_MAP:
		parse_path_map(opts, optarg);
		break;
	case OPT_COV_INCLUDE:
	case OPT_COV_EXCLUDE:
		if (optarg[0] == '\0')
			usage_error("--%s needs a glob", option_name(c));
		if (c == OPT_COV_INCLUDE)
			add_string(&opts->cov_include, &opts->ncov_include,
			    optarg);
		else
			add_string(&opts->cov_exclude, &opts->ncov_exclude,
			    optarg);
		break;
	case OPT_PID:
		parse_pid(opts, optarg);
		break;
	case OPT_EXCLUDE_LINE:
		check_regex(optarg);
		add_string(&opts->exclude_lines, &opts->nexclude_lines, optarg);
		break;
	case OPT_PRECISION:
		parse_precision(opts, optarg);
		break;
	case OPT_SORT:
		parse_sort(opts, optarg);
		break;
	case OPT_FAIL_UNDER:
		parse_fail_under(opts, optarg);
		break;
	case 'h':
		usage();
		exit(0);
	case 'V':
		printf("covtrace %s\n", PACKAGE_VERSION);
		exit(0);
	default:
		BUG("unhandled option %d", c);
	}
}

/* getopt's complaint, in covtrace's words: argv[optind - 1] is the
 * offending argument, or optopt the offending short option. */
static void
bad_option(int c, char **argv)
{
	const char *arg = argv[optind - 1];
	bool is_short = optopt > 0 && optopt < 256 && arg[1] != '-';

	if (c == ':' && is_short)
		usage_error("option '-%c' needs an argument", optopt);
	if (c == ':')
		usage_error("option '%s' needs an argument", arg);
	if (is_short)
		usage_error("unrecognized option '-%c'", optopt);
	usage_error("unrecognized option '%s'", arg);
}

static enum cli_mode
parse_mode(const char *word)
{
	if (word == NULL)
		return MODE_RUN;
	if (strcmp(word, "report") == 0)
		return MODE_REPORT;
	if (strcmp(word, "combine") == 0)
		return MODE_COMBINE;
	if (strcmp(word, "erase") == 0)
		return MODE_ERASE;
	return MODE_RUN;
}

/* The operands of a run: the command after --, or PATH... for jobs; and
 * whether this is a run of jobs (covtrace(1), "Jobs and workers"). */
static void
run_operands(int argc, char **argv, struct options *opts)
{
	bool dashdash = optind > 1 && strcmp(argv[optind - 1], "--") == 0;
	bool workers;

	if (opts->numprocesses >= 0) {
		/* -n replaces any --tx, as in pytest-xdist. */
		for (size_t i = 0; i < opts->ntx; i++)
			txspec_release(&opts->tx[i]);
		opts->ntx = 0;
	}
	workers = opts->numprocesses > 0 || opts->ntx > 0;
	if (optind < argc && dashdash)
		opts->command = argv + optind;
	else if (optind < argc) {
		opts->paths = argv + optind;
		opts->npaths = (size_t)(argc - optind);
	}
	if (opts->command == NULL && opts->paths == NULL &&
	    opts->njobs_from == 0)
		usage_error("no command given (covtrace [OPTIONS] -- COMMAND, "
			    "or PATH... for jobs)");
	if (opts->dist_set && opts->dist != DIST_NO && !workers)
		usage_error("--dist %s needs workers (-n N or --tx SPEC)",
		    opts->dist == DIST_EACH ? "each" : "load");
	if (!opts->dist_set)
		opts->dist = workers ? DIST_LOAD : DIST_NO;
	opts->jobs_mode = opts->paths != NULL || opts->njobs_from > 0 ||
	    workers || opts->dist_set || opts->timeout > 0 ||
	    opts->cov_context || opts->max_worker_restart >= 0;
}

static void
check_operands(int argc, char **argv, struct options *opts)
{
	switch (opts->mode) {
	case MODE_RUN:
		if (opts->pid != 0 && optind < argc)
			usage_error("--pid takes no command, got '%s'",
			    argv[optind]);
		if (opts->pid != 0)
			break;
		run_operands(argc, argv, opts);
		break;
	case MODE_WORKER:
		if (optind < argc)
			usage_error("--worker takes no arguments, got '%s'",
			    argv[optind]);
		break;
	case MODE_COMBINE:
		opts->inputs = argv + optind;
		opts->ninputs = (size_t)(argc - optind);
		break;
	case MODE_REPORT:
	case MODE_ERASE:
		if (optind < argc)
			usage_error("%s takes no arguments, got '%s'",
			    mode_names[opts->mode], argv[optind]);
		break;
	}
}

void
options_parse(int argc, char **argv, struct options *opts)
{
	const char *env = getenv("COVTRACE_FILE");
	int c;

	memset(opts, 0, sizeof(*opts));
	opts->numprocesses = -1;
	opts->max_worker_restart = -1;
	opts->data_file = env != NULL && env[0] != '\0' ? env : ".covtrace";
	opts->mode = parse_mode(argc > 1 ? argv[1] : NULL);
	if (opts->mode != MODE_RUN) {
		argv++;
		argc--;
	}
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:vqhVn:", long_options, NULL)) !=
	    -1) {
		if (c == '?' || c == ':')
			bad_option(c, argv);
		parse_option(c, opts);
	}
	check_operands(argc, argv, opts);
	if (!opts->reports_given && (opts->mode == MODE_RUN ||
					opts->mode == MODE_REPORT))
		parse_report(opts, "term");
}

struct measure_opts
options_measure(const struct options *opts)
{
	struct measure_opts mo = {
		.cov = opts->cov,
		.ncov = opts->ncov,
		.include = opts->cov_include,
		.ninclude = opts->ncov_include,
		.exclude = opts->cov_exclude,
		.nexclude = opts->ncov_exclude,
		.no_cache = opts->no_cache,
		.cpu = opts->cpu,
		.idle_poll = !opts->idle_sleep,
	};

	return mo;
}

void
options_release(struct options *opts)
{
	for (size_t i = 0; i < opts->npath_maps; i++)
		free((char *)opts->path_maps[i].from);
	free(opts->path_maps);
	free(opts->reports);
	free(opts->exclude_lines);
	free(opts->cov);
	free(opts->cov_include);
	free(opts->cov_exclude);
	for (size_t i = 0; i < opts->ntx; i++)
		txspec_release(&opts->tx[i]);
	free(opts->tx);
	free(opts->jobs_from);
	free(opts->ignore);
	free(opts->rsync_dirs);
	free(opts->rsync_ignores);
	memset(opts, 0, sizeof(*opts));
}
