# `make fuzz`: run the libFuzzer target for the data-file reader for
# FUZZ_TIME seconds (default 60); it skips when clang's libFuzzer is
# missing.  Crashing inputs become regression tests in t/data/fuzz-regress/.
FUZZ_TIME = 60
FUZZ_CC = clang
EXTRA_DIST += %reldir%/datafile-fuzz.c %reldir%/run-fuzz.sh %reldir%/corpus

fuzz:
	FUZZ_CC='$(FUZZ_CC)' FUZZ_TIME='$(FUZZ_TIME)' \
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	    $(SHELL) $(srcdir)/%reldir%/run-fuzz.sh

# The worker protocol decoder (doc/PROTOCOL.worker), for as long.
EXTRA_DIST += %reldir%/wire-fuzz.c %reldir%/wire-corpus
FUZZ_WIRE_SRCS = fuzz/wire-fuzz.c dispatch/wire.c common/buf.c \
	common/log.c common/xalloc.c
fuzz: fuzz-wire
fuzz-wire:
	@mkdir -p %reldir%/out/wire-corpus
	@if ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' | \
	    $(FUZZ_CC) -fsanitize=fuzzer -x c -o %reldir%/out/wire-probe - \
	    >/dev/null 2>&1; then \
		echo "make fuzz-wire: SKIP: '$(FUZZ_CC) -fsanitize=fuzzer' does not work"; \
	else \
		echo "make fuzz-wire: fuzzing the worker protocol decoder for $(FUZZ_TIME) s"; \
		$(FUZZ_CC) -g -O1 -fsanitize=fuzzer,address,undefined \
		    -fno-sanitize-recover=undefined -I$(top_builddir) \
		    -I$(top_srcdir) -o %reldir%/out/wire-fuzz \
		    $(FUZZ_WIRE_SRCS:%=$(top_srcdir)/%) && \
		%reldir%/out/wire-fuzz -max_total_time=$(FUZZ_TIME) \
		    -close_fd_mask=2 -max_len=4096 \
		    -artifact_prefix=%reldir%/out/wire- \
		    %reldir%/out/wire-corpus $(top_srcdir)/%reldir%/wire-corpus \
		    >%reldir%/out/wire-fuzz.log 2>&1; \
		status=$$?; tail -n 5 %reldir%/out/wire-fuzz.log; \
		if test $$status -ne 0; then \
			echo "make fuzz-wire: FAIL: a crashing input is in %reldir%/out/"; \
			exit 1; \
		fi; \
		echo "make fuzz-wire: PASS: no crash in $(FUZZ_TIME) s"; \
	fi

clean-local: clean-local-fuzz
clean-local-fuzz:
	-rm -rf %reldir%/out
.PHONY: fuzz fuzz-wire clean-local-fuzz
