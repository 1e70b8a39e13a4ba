# `make example`: build the bundled example with its own Makefile (plain -g,
# never the sanitizers of covtrace's own build) and trace it.
EXTRA_DIST += %reldir%/hello/hello.c %reldir%/hello/Makefile
CLEANFILES += %reldir%/hello/hello .covtrace

%reldir%/hello/hello: $(srcdir)/%reldir%/hello/hello.c
	$(AM_V_CCLD)$(MKDIR_P) %reldir%/hello && \
	$(MAKE) -s -C %reldir%/hello -f $(abs_srcdir)/%reldir%/hello/Makefile \
	    srcdir=$(abs_srcdir)/%reldir%/hello CC='$(CC)' hello

example: covtrace$(EXEEXT) %reldir%/hello/hello
	./covtrace$(EXEEXT) --cov=$(srcdir)/%reldir%/hello --cov-report=term-missing -- %reldir%/hello/hello

.PHONY: example
