# The shell test suite (t/README.md).  Every test speaks TAP through
# automake's tap-driver.sh, the C unit tests that other parts add to TESTS
# too.  Each shell test works in its own trash directory under the build
# tree, so `make distcheck` (read-only source tree) works.

TEST_EXTENSIONS = .sh
SH_LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) \
	$(top_srcdir)/build-aux/tap-driver.sh
SH_LOG_COMPILER = $(SHELL)
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) \
	$(top_srcdir)/build-aux/tap-driver.sh

AM_TESTS_ENVIRONMENT = \
	COVTRACE='$(abs_top_builddir)/covtrace'; export COVTRACE; \
	TEST_SRCDIR='$(abs_top_srcdir)/t'; export TEST_SRCDIR; \
	TEST_BUILDDIR='$(abs_top_builddir)/t'; export TEST_BUILDDIR; \
	TOP_SRCDIR='$(abs_top_srcdir)'; export TOP_SRCDIR; \
	TOP_BUILDDIR='$(abs_top_builddir)'; export TOP_BUILDDIR; \
	CC='$(CC)'; export CC; \
	AWK='$(AWK)'; export AWK; \
	SHELL_PATH='$(SHELL)'; export SHELL_PATH; \
	LIBSSH2_SONAME='$(LIBSSH2_SONAME)'; export LIBSSH2_SONAME; \
	LIBDW_SONAME='$(LIBDW_SONAME)'; export LIBDW_SONAME;

T_SHELL_TESTS = \
	%reldir%/t0000-basics.sh \
	%reldir%/t0001-options-documented.sh \
	%reldir%/t0002-layering.sh \
	%reldir%/t0003-lazy-libssh2.sh \
	%reldir%/t0004-lazy-libdw.sh \
	%reldir%/t1001-dwarf-solib.sh \
	%reldir%/t1002-dwarf-builds.sh \
	%reldir%/t2000-check-hits.sh \
	%reldir%/t2001-tracer-basic.sh \
	%reldir%/t2002-tracer-fork-exec.sh \
	%reldir%/t2003-tracer-threads.sh \
	%reldir%/t2004-tracer-signals.sh \
	%reldir%/t2005-tracer-many-functions.sh \
	%reldir%/t2006-tracer-attach.sh \
	%reldir%/t2007-tracer-idle.sh \
	%reldir%/t3000-dispatch-jobs.sh \
	%reldir%/t3001-dispatch-options.sh \
	%reldir%/t3002-dispatch-load.sh \
	%reldir%/t3003-dispatch-each.sh \
	%reldir%/t3004-dispatch-faults.sh \
	%reldir%/t3005-dispatch-contexts.sh \
	%reldir%/t3006-dispatch-worker.sh \
	%reldir%/t3800-ssh-connect.sh \
	%reldir%/t3801-ssh-rsync.sh \
	%reldir%/t3900-ssh-dist.sh \
	%reldir%/t4000-report-formats.sh \
	%reldir%/t4001-report-options.sh \
	%reldir%/t4002-report-exclusions.sh \
	%reldir%/t4003-report-combine.sh \
	%reldir%/t4004-report-bad-input.sh \
	%reldir%/t4005-report-html.sh \
	%reldir%/t4006-report-run.sh \
	%reldir%/t9001-e2e-cli.sh \
	%reldir%/t9002-e2e-report-format.sh \
	%reldir%/t9003-e2e-cache.sh \
	%reldir%/t9004-e2e-signal-forwarding.sh \
	%reldir%/t9005-e2e-gcov.sh

T_FIXTURES = \
	%reldir%/fixtures/solib-lib.c \
	%reldir%/fixtures/solib-main.c \
	%reldir%/fixtures/solib-plugin.c \
	%reldir%/fixtures/abort.c \
	%reldir%/fixtures/attach.c \
	%reldir%/fixtures/basic.c \
	%reldir%/fixtures/child.c \
	%reldir%/fixtures/covsel-lib.c \
	%reldir%/fixtures/covsel-main.c \
	%reldir%/fixtures/dist.c \
	%reldir%/fixtures/exec-self.c \
	%reldir%/fixtures/fork-exec.c \
	%reldir%/fixtures/fork.c \
	%reldir%/fixtures/gen-many.sh \
	%reldir%/fixtures/loop.c \
	%reldir%/fixtures/no-run.c \
	%reldir%/fixtures/ptrace-probe.c \
	%reldir%/fixtures/recursion.c \
	%reldir%/fixtures/segv.c \
	%reldir%/fixtures/signals.c \
	%reldir%/fixtures/sigtrap-default.c \
	%reldir%/fixtures/sigtrap-handler.c \
	%reldir%/fixtures/stop-cont.c \
	%reldir%/fixtures/system.c \
	%reldir%/fixtures/thread-exec.c \
	%reldir%/fixtures/thread-exit.c \
	%reldir%/fixtures/threads.c \
	%reldir%/fixtures/vfork-exec.c \
	%reldir%/fixtures/wait-signal.c

TESTS += $(T_SHELL_TESTS)
EXTRA_DIST += $(T_SHELL_TESTS) $(T_FIXTURES) \
	%reldir%/README.md \
	%reldir%/test-lib.sh \
	%reldir%/lib-dist.sh \
	%reldir%/sshd-lib.sh \
	%reldir%/helper/check-hits \
	%reldir%/.shellcheckrc

# A failed test keeps its trash directory for inspection; `make clean`
# removes them.  No recipe here, so another local.mk may hook clean-local too.
clean-local: clean-local-t
clean-local-t:
	-rm -rf %reldir%/trash-*
.PHONY: clean-local-t

# `make check-corpus`: covtrace against gcov on zlib and jq built from their
# Debian source packages (slow, needs root for apt: not part of make check).
EXTRA_DIST += %reldir%/check-corpus.sh
check-corpus: covtrace$(EXEEXT)
	COVTRACE=$(abs_top_builddir)/covtrace$(EXEEXT) \
	CORPUS_DIR=$${CORPUS_DIR:-$(abs_top_builddir)/corpus-out} \
	$(SHELL) $(srcdir)/%reldir%/check-corpus.sh $(CORPUS_PROJECTS)
.PHONY: check-corpus
