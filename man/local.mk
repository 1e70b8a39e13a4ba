# covtrace.1 is made from covtrace.1.in at build time, so that it carries the
# version configure was run with and the sonames of libssh2 and libdw it
# found; covtrace-data.5 is a plain source file.
# The brackets in [@]NAME[@] keep config.status from replacing the pattern
# itself in the Makefile.
man_MANS += %reldir%/covtrace.1
dist_man_MANS = %reldir%/covtrace-data.5
EXTRA_DIST += %reldir%/covtrace.1.in
CLEANFILES += %reldir%/covtrace.1

%reldir%/covtrace.1: $(srcdir)/%reldir%/covtrace.1.in Makefile
	$(AM_V_GEN)$(MKDIR_P) %reldir% && \
	sed -e 's|[@]VERSION[@]|$(VERSION)|g' \
	    -e 's|[@]LIBSSH2_SONAME[@]|$(LIBSSH2_SONAME)|g' \
	    -e 's|[@]LIBDW_SONAME[@]|$(LIBDW_SONAME)|g' \
	    $(srcdir)/%reldir%/covtrace.1.in >$@.tmp && \
	mv -f $@.tmp $@
