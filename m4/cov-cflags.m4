dnl COV_CFLAG([-Wflag]): append the flag to COV_CFLAGS when the compiler
dnl accepts it without a warning.
AC_DEFUN([COV_CFLAG], [
	AC_MSG_CHECKING([whether $CC accepts $1])
	cov_save_CFLAGS=$CFLAGS
	CFLAGS="$CFLAGS -Werror $1"
	AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [return 0;])],
	    [AC_MSG_RESULT([yes]); COV_CFLAGS="$COV_CFLAGS $1"],
	    [AC_MSG_RESULT([no])])
	CFLAGS=$cov_save_CFLAGS
])
dnl COV_LDFLAG([-Wl,flag]): the same for the linker.
AC_DEFUN([COV_LDFLAG], [
	AC_MSG_CHECKING([whether the linker accepts $1])
	cov_save_LDFLAGS=$LDFLAGS
	LDFLAGS="$LDFLAGS -Werror $1"
	AC_LINK_IFELSE([AC_LANG_PROGRAM([], [return 0;])],
	    [AC_MSG_RESULT([yes]); COV_LDFLAGS="$COV_LDFLAGS $1"],
	    [AC_MSG_RESULT([no])])
	LDFLAGS=$cov_save_LDFLAGS
])
