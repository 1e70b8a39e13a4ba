/* libssh2, loaded with dlopen() by the first SSH connection rather than
 * linked: loading it and the libcrypto it needs costs every covtrace start
 * about 0.75 ms, and most runs have no ssh= worker.  dispatch/ssh.c calls
 * libssh2 by its usual names, which the #defines below turn into calls
 * through the table that ssh_lib_load() fills.  Internal to dispatch/. */
#ifndef COVTRACE_DISPATCH_SSH_LIB_H
#define COVTRACE_DISPATCH_SSH_LIB_H

#include <libssh2.h>
#include <libssh2_sftp.h>

/* Every libssh2 function covtrace calls, without its "libssh2_" prefix and
 * as the libssh2 headers' macros expand it: libssh2_channel_read() is
 * libssh2_channel_read_ex(). */
#define SSH_LIB_FUNCS(X)                                                       \
	X(agent_connect)                                                       \
	X(agent_disconnect)                                                    \
	X(agent_free)                                                          \
	X(agent_get_identity)                                                  \
	X(agent_init)                                                          \
	X(agent_list_identities)                                               \
	X(agent_userauth)                                                      \
	X(channel_close)                                                       \
	X(channel_eof)                                                         \
	X(channel_free)                                                        \
	X(channel_get_exit_signal)                                             \
	X(channel_get_exit_status)                                             \
	X(channel_open_ex)                                                     \
	X(channel_process_startup)                                             \
	X(channel_read_ex)                                                     \
	X(channel_send_eof)                                                    \
	X(channel_wait_closed)                                                 \
	X(channel_write_ex)                                                    \
	X(free)                                                                \
	X(hostkey_hash)                                                        \
	X(init)                                                                \
	X(keepalive_config)                                                    \
	X(keepalive_send)                                                      \
	X(knownhost_addc)                                                      \
	X(knownhost_checkp)                                                    \
	X(knownhost_free)                                                      \
	X(knownhost_get)                                                       \
	X(knownhost_init)                                                      \
	X(knownhost_readline)                                                  \
	X(knownhost_writeline)                                                 \
	X(poll_channel_read)                                                   \
	X(session_block_directions)                                            \
	X(session_callback_set)                                                \
	X(session_disconnect_ex)                                               \
	X(session_free)                                                        \
	X(session_handshake)                                                   \
	X(session_hostkey)                                                     \
	X(session_init_ex)                                                     \
	X(session_last_errno)                                                  \
	X(session_last_error)                                                  \
	X(session_method_pref)                                                 \
	X(session_set_blocking)                                                \
	X(session_set_timeout)                                                 \
	X(session_supported_algs)                                              \
	X(sftp_close_handle)                                                   \
	X(sftp_fstat_ex)                                                       \
	X(sftp_init)                                                           \
	X(sftp_last_error)                                                     \
	X(sftp_mkdir_ex)                                                       \
	X(sftp_open_ex)                                                        \
	X(sftp_readdir_ex)                                                     \
	X(sftp_rmdir_ex)                                                       \
	X(sftp_shutdown)                                                       \
	X(sftp_stat_ex)                                                        \
	X(sftp_symlink_ex)                                                     \
	X(sftp_unlink_ex)                                                      \
	X(sftp_write)                                                          \
	X(userauth_authenticated)                                              \
	X(userauth_list)                                                       \
	X(userauth_publickey_fromfile_ex)

/* One pointer per function, typed as libssh2.h declares the function. */
#define SSH_LIB_POINTER(name) __typeof__(libssh2_##name) *name;
struct ssh_lib {
	SSH_LIB_FUNCS(SSH_LIB_POINTER)
};
#undef SSH_LIB_POINTER

/* Load libssh2 (LIBSSH2_SONAME) and initialize it; once loaded, return at
 * once.  Returns -1 (logged) when it cannot be loaded. */
int ssh_lib_load(void);
/* The functions of the loaded libssh2; BUG() before ssh_lib_load(). */
const struct ssh_lib *ssh_lib_get(void);

/* The names the rest of dispatch/ calls.  Where a libssh2 macro expands to
 * one of them, it is expanded again into the call through the table. */
#define libssh2_agent_connect (ssh_lib_get()->agent_connect)
#define libssh2_agent_disconnect (ssh_lib_get()->agent_disconnect)
#define libssh2_agent_free (ssh_lib_get()->agent_free)
#define libssh2_agent_get_identity (ssh_lib_get()->agent_get_identity)
#define libssh2_agent_init (ssh_lib_get()->agent_init)
#define libssh2_agent_list_identities (ssh_lib_get()->agent_list_identities)
#define libssh2_agent_userauth (ssh_lib_get()->agent_userauth)
#define libssh2_channel_close (ssh_lib_get()->channel_close)
#define libssh2_channel_eof (ssh_lib_get()->channel_eof)
#define libssh2_channel_free (ssh_lib_get()->channel_free)
#define libssh2_channel_get_exit_signal (ssh_lib_get()->channel_get_exit_signal)
#define libssh2_channel_get_exit_status (ssh_lib_get()->channel_get_exit_status)
#define libssh2_channel_open_ex (ssh_lib_get()->channel_open_ex)
#define libssh2_channel_process_startup (ssh_lib_get()->channel_process_startup)
#define libssh2_channel_read_ex (ssh_lib_get()->channel_read_ex)
#define libssh2_channel_send_eof (ssh_lib_get()->channel_send_eof)
#define libssh2_channel_wait_closed (ssh_lib_get()->channel_wait_closed)
#define libssh2_channel_write_ex (ssh_lib_get()->channel_write_ex)
#define libssh2_free (ssh_lib_get()->free)
#define libssh2_hostkey_hash (ssh_lib_get()->hostkey_hash)
#define libssh2_init (ssh_lib_get()->init)
#define libssh2_keepalive_config (ssh_lib_get()->keepalive_config)
#define libssh2_keepalive_send (ssh_lib_get()->keepalive_send)
#define libssh2_knownhost_addc (ssh_lib_get()->knownhost_addc)
#define libssh2_knownhost_checkp (ssh_lib_get()->knownhost_checkp)
#define libssh2_knownhost_free (ssh_lib_get()->knownhost_free)
#define libssh2_knownhost_get (ssh_lib_get()->knownhost_get)
#define libssh2_knownhost_init (ssh_lib_get()->knownhost_init)
#define libssh2_knownhost_readline (ssh_lib_get()->knownhost_readline)
#define libssh2_knownhost_writeline (ssh_lib_get()->knownhost_writeline)
#define libssh2_poll_channel_read (ssh_lib_get()->poll_channel_read)
#define libssh2_session_block_directions                                       \
	(ssh_lib_get()->session_block_directions)
#define libssh2_session_callback_set (ssh_lib_get()->session_callback_set)
#define libssh2_session_disconnect_ex (ssh_lib_get()->session_disconnect_ex)
#define libssh2_session_free (ssh_lib_get()->session_free)
#define libssh2_session_handshake (ssh_lib_get()->session_handshake)
#define libssh2_session_hostkey (ssh_lib_get()->session_hostkey)
#define libssh2_session_init_ex (ssh_lib_get()->session_init_ex)
#define libssh2_session_last_errno (ssh_lib_get()->session_last_errno)
#define libssh2_session_last_error (ssh_lib_get()->session_last_error)
#define libssh2_session_method_pref (ssh_lib_get()->session_method_pref)
#define libssh2_session_set_blocking (ssh_lib_get()->session_set_blocking)
#define libssh2_session_set_timeout (ssh_lib_get()->session_set_timeout)
#define libssh2_session_supported_algs (ssh_lib_get()->session_supported_algs)
#define libssh2_sftp_close_handle (ssh_lib_get()->sftp_close_handle)
#define libssh2_sftp_fstat_ex (ssh_lib_get()->sftp_fstat_ex)
#define libssh2_sftp_init (ssh_lib_get()->sftp_init)
#define libssh2_sftp_last_error (ssh_lib_get()->sftp_last_error)
#define libssh2_sftp_mkdir_ex (ssh_lib_get()->sftp_mkdir_ex)
#define libssh2_sftp_open_ex (ssh_lib_get()->sftp_open_ex)
#define libssh2_sftp_readdir_ex (ssh_lib_get()->sftp_readdir_ex)
#define libssh2_sftp_rmdir_ex (ssh_lib_get()->sftp_rmdir_ex)
#define libssh2_sftp_shutdown (ssh_lib_get()->sftp_shutdown)
#define libssh2_sftp_stat_ex (ssh_lib_get()->sftp_stat_ex)
#define libssh2_sftp_symlink_ex (ssh_lib_get()->sftp_symlink_ex)
#define libssh2_sftp_unlink_ex (ssh_lib_get()->sftp_unlink_ex)
#define libssh2_sftp_write (ssh_lib_get()->sftp_write)
#define libssh2_userauth_authenticated (ssh_lib_get()->userauth_authenticated)
#define libssh2_userauth_list (ssh_lib_get()->userauth_list)
#define libssh2_userauth_publickey_fromfile_ex                                 \
	(ssh_lib_get()->userauth_publickey_fromfile_ex)

#endif
