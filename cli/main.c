#include "config.h"

#include "cli/options.h"
#include "cli/run.h"
#include "common/log.h"
#include "dispatch/dispatch.h"

int
main(int argc, char **argv)
{
	struct options opts;
	int status;

	options_parse(argc, argv, &opts);
	log_set_level(opts.verbosity);
	switch (opts.mode) {
	case MODE_REPORT:
		status = run_report(&opts);
		break;
	case MODE_COMBINE:
		status = run_combine(&opts);
		break;
	case MODE_ERASE:
		status = run_erase(&opts);
		break;
	case MODE_WORKER:
		status = worker_main();
		break;
	default:
		status = opts.jobs_mode ? run_jobs(&opts) : run_command(&opts);
		break;
	}
	options_release(&opts);
	return status;
}
