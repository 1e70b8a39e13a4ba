#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdnoreturn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/options.h"
#include "common/log.h"
#include "common/xalloc.h"

enum {
	OPT_COV = 256,
	OPT_COV_REPORT,
	OPT_DATA_FILE,
	OPT_NO_CACHE,
	OPT_CPU,
};

static const struct option long_options[] = {
	{ "cov", required_argument, NULL, OPT_COV },
	{ "cov-report", required_argument, NULL, OPT_COV_REPORT },
	{ "data-file", required_argument, NULL, OPT_DATA_FILE },
	{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
	{ "cpu", required_argument, NULL, OPT_CPU },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void
usage(void)
{
	printf("Usage: covtrace [OPTIONS] -- COMMAND [ARG]...\n"
	       "       covtrace report [--cov-report=TYPE] [--data-file=FILE]\n"
	       "\n"
	       "Measure which source lines of a program (and of every program it\n"
	       "forks or execs) run, without recompiling it.\n"
	       "\n"
	       "Options:\n"
	       "  --cov=PATH          measure the sources under PATH (repeatable;\n"
	       "                      default: the current directory)\n"
	       "  --cov-report=TYPE   term (default) or term-missing; empty for none\n"
	       "  --data-file=FILE    save the data to FILE (default: $COVTRACE_FILE,\n"
	       "                      else .covtrace)\n"
	       "  --no-cache          neither read nor write the line-table cache\n"
	       "  --cpu=PLACEMENT     any (default) or same: pin covtrace and the\n"
	       "                      program to one CPU\n"
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

static enum report_kind
parse_report(const char *arg)
{
	if (strcmp(arg, "") == 0)
		return REPORT_NONE;
	if (strcmp(arg, "term") == 0)
		return REPORT_TERM;
	if (strcmp(arg, "term-missing") == 0)
		return REPORT_TERM_MISSING;
	usage_error("unknown report type '%s' (expected term or term-missing)",
	    arg);
}

static void
parse_option(int c, struct options *opts)
{
	switch (c) {
	case OPT_COV:
		if (optarg[0] == '\0')
			usage_error("--cov needs a path");
		opts->cov = xreallocarray(opts->cov, opts->ncov + 1,
		    sizeof(*opts->cov));
		opts->cov[opts->ncov++] = optarg;
		break;
	case OPT_COV_REPORT:
		opts->report = parse_report(optarg);
		break;
	case OPT_DATA_FILE:
		if (optarg[0] == '\0')
			usage_error("--data-file needs a file name");
		opts->data_file = optarg;
		break;
	case OPT_NO_CACHE:
		opts->no_cache = true;
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
	case 'v':
		opts->verbosity++;
		break;
	case 'q':
		opts->verbosity = -1;
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

void
options_parse(int argc, char **argv, struct options *opts)
{
	const char *env = getenv("COVTRACE_FILE");
	int c;

	memset(opts, 0, sizeof(*opts));
	opts->report = REPORT_TERM;
	opts->data_file = env != NULL && env[0] != '\0' ? env : ".covtrace";
	if (argc > 1 && strcmp(argv[1], "report") == 0) {
		opts->mode = MODE_REPORT;
		argv++;
		argc--;
	}
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:vqhV", long_options, NULL)) !=
	    -1) {
		if (c == '?' || c == ':')
			bad_option(c, argv);
		parse_option(c, opts);
	}
	if (opts->mode == MODE_REPORT) {
		if (optind < argc)
			usage_error("report takes no arguments, got '%s'",
			    argv[optind]);
		return;
	}
	if (optind >= argc)
		usage_error("no command given (covtrace [OPTIONS] -- COMMAND)");
	opts->command = argv + optind;
}

void
options_release(struct options *opts)
{
	free(opts->cov);
	opts->cov = NULL;
}
