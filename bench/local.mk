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

# Distributed runs (issue 5): -n 2 against -n 1, overhead per job, union ==
# serial; bench/dist-bench.sh.
EXTRA_DIST += %reldir%/dist-bench.sh
bench: bench-dist
bench-dist: covtrace$(EXEEXT)
	COVTRACE='$(abs_top_builddir)/covtrace$(EXEEXT)' CC='$(CC)' \
	BENCH_DIR='$(abs_top_builddir)/%reldir%/out-dist' \
	    $(SHELL) $(srcdir)/%reldir%/dist-bench.sh
clean-local: clean-bench-dist
clean-bench-dist:
	rm -rf %reldir%/out-dist
.PHONY: bench-dist clean-bench-dist

# SSH workers (issue 6): setup + unchanged rsync per host, per-job overhead
# over SSH, against the sshd of t/sshd-lib.sh; bench/ssh-bench.sh.
EXTRA_DIST += %reldir%/ssh-bench.sh
bench: bench-ssh
bench-ssh: covtrace$(EXEEXT) t/unit/ssh-test$(EXEEXT)
	COVTRACE='$(abs_top_builddir)/covtrace$(EXEEXT)' CC='$(CC)' AWK='$(AWK)' \
	SSH_TEST='$(abs_top_builddir)/t/unit/ssh-test$(EXEEXT)' \
	TEST_SRCDIR='$(abs_top_srcdir)/t' \
	BENCH_DIR='$(abs_top_builddir)/%reldir%/out-ssh' \
	    $(SHELL) $(srcdir)/%reldir%/ssh-bench.sh
clean-local: clean-bench-ssh
clean-bench-ssh:
	rm -rf %reldir%/out-ssh
.PHONY: bench-ssh clean-bench-ssh
