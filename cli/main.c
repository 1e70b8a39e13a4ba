#include "config.h"

#include "cli/options.h"
#include "cli/run.h"
#include "common/log.h"

int
main(int argc, char **argv)
{
	struct options opts;
	int status;

	options_parse(argc, argv, &opts);
	log_set_level(opts.verbosity);
	if (opts.mode == MODE_REPORT)
		status = run_report(&opts);
	else
		status = run_command(&opts);
	options_release(&opts);
	return status;
}
