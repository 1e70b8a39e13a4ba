noinst_LIBRARIES += %reldir%/libdispatch.a
%canon_reldir%_libdispatch_a_SOURCES = \
	%reldir%/dispatch.h \
	%reldir%/measure.c \
	%reldir%/select.c %reldir%/select.h \
	%reldir%/image.c %reldir%/image.h

# Distributed runs (issue 5): jobs, --tx specs, the popen transport, the
# worker protocol (doc/PROTOCOL.worker), the worker and the dispatcher.
%canon_reldir%_libdispatch_a_SOURCES += \
	%reldir%/jobs.c \
	%reldir%/schedule.c \
	%reldir%/transport.h %reldir%/transport-popen.c \
	%reldir%/txspec.c %reldir%/txspec.h \
	%reldir%/wire.c %reldir%/wire.h \
	%reldir%/worker.c %reldir%/worker.h
EXTRA_DIST += doc/PROTOCOL.worker
check_PROGRAMS += t/unit/txspec-test t/unit/wire-test
TESTS += t/unit/txspec-test t/unit/wire-test
dispatch_unit_ldadd = dispatch/libdispatch.a dwarf/libdwarf.a \
	tracer/libtracer.a common/libcommon.a $(LIBELF_LIBS) \
	-lpthread
t_unit_txspec_test_SOURCES = t/unit/txspec-test.c t/tap.c t/tap.h
t_unit_txspec_test_LDADD = $(dispatch_unit_ldadd)
t_unit_wire_test_SOURCES = t/unit/wire-test.c fuzz/wire-fuzz.c t/tap.c t/tap.h
t_unit_wire_test_LDADD = $(dispatch_unit_ldadd)

check_PROGRAMS += t/unit/select-test
TESTS += t/unit/select-test
t_unit_select_test_SOURCES = t/unit/select-test.c t/tap.c t/tap.h
t_unit_select_test_LDADD = dispatch/libdispatch.a dwarf/libdwarf.a \
	tracer/libtracer.a common/libcommon.a $(LIBELF_LIBS)

# SSH workers and --rsyncdir (issue 6): everything that speaks libssh2.
# Nothing links libssh2: ssh-lib.c loads it with dlopen() (configure puts
# -ldl in LIBS where dlopen is not in the C library).
%canon_reldir%_libdispatch_a_SOURCES += \
	%reldir%/ssh.c %reldir%/ssh.h %reldir%/ssh-config.c \
	%reldir%/ssh-lib.c %reldir%/ssh-lib.h \
	%reldir%/transport-ssh.c \
	%reldir%/rsync.c %reldir%/rsync.h
%canon_reldir%_libdispatch_a_CPPFLAGS = $(AM_CPPFLAGS) $(LIBSSH2_CFLAGS)
ssh_unit_ldadd = dispatch/libdispatch.a dwarf/libdwarf.a \
	tracer/libtracer.a common/libcommon.a $(LIBELF_LIBS)
# rsync-test is a TAP unit test (the local destination); ssh-test is a
# driver that t/t38xx scripts run against the sshd they start.
check_PROGRAMS += t/unit/rsync-test t/unit/ssh-test
TESTS += t/unit/rsync-test
t_unit_rsync_test_SOURCES = t/unit/rsync-test.c t/tap.c t/tap.h
t_unit_rsync_test_LDADD = $(ssh_unit_ldadd)
t_unit_ssh_test_SOURCES = t/unit/ssh-test.c
t_unit_ssh_test_LDADD = $(ssh_unit_ldadd)
