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

clean-local: clean-local-fuzz
clean-local-fuzz:
	-rm -rf %reldir%/out
.PHONY: fuzz clean-local-fuzz
