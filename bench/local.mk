# `make bench`: time covtrace against untraced runs of generated programs
# (issue 2, "Benchmarks"); see bench/README.md.  It reports, it does not
# gate: only a broken run (a different exit status or output when traced)
# makes it fail.
EXTRA_DIST += %reldir%/run-bench.sh %reldir%/gen-workloads.sh %reldir%/README.md

bench: covtrace$(EXEEXT)
	COVTRACE='$(abs_top_builddir)/covtrace$(EXEEXT)' CC='$(CC)' \
	BENCH_DIR='$(abs_top_builddir)/%reldir%/out' \
	    $(SHELL) $(srcdir)/%reldir%/run-bench.sh

clean-bench:
	rm -rf %reldir%/out

.PHONY: bench clean-bench
clean-local: clean-bench

# Report writing speed for 50,000 statements (issue 4): bench/report-bench.sh.
EXTRA_DIST += %reldir%/report-bench.sh
bench: bench-report
bench-report: covtrace$(EXEEXT)
	COVTRACE='$(abs_top_builddir)/covtrace$(EXEEXT)' \
	BENCH_DIR='$(abs_top_builddir)/%reldir%/out-report' \
	    $(SHELL) $(srcdir)/%reldir%/report-bench.sh
clean-local: clean-bench-report
clean-bench-report:
	rm -rf %reldir%/out-report
.PHONY: bench-report clean-bench-report
