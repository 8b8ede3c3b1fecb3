// The system calls Swift's Glibc module cannot reach: declared only under _GNU_SOURCE (struct ucred, accept4,
// process_vm_readv, pthread_setname_np), or built from macros (CMSG_*). Compiled once, in shim.c, with
// _GNU_SOURCE defined there, as swift-nio's CNIOLinux does. Only SystemCalls imports this.
#pragma once
#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

// SO_PEERCRED of a connected Unix socket; 0, or -1 with errno.
int csc_peer_credentials(int fd, pid_t *pid, uid_t *uid, gid_t *gid);

// accept4 with SOCK_CLOEXEC: the client's descriptor, or -1 with errno.
int csc_accept_cloexec(int fd);

// open(2) with O_TMPFILE: an unnamed file in folder, private and gone when closed (O_TMPFILE is _GNU_SOURCE only).
int csc_open_unnamed(const char *folder);

// process_vm_readv/process_vm_writev; bytes moved, or -1 with errno.
ssize_t csc_process_vm_readv(pid_t pid, const struct iovec *local, unsigned long local_count,
                             const struct iovec *remote, unsigned long remote_count);
ssize_t csc_process_vm_writev(pid_t pid, const struct iovec *local, unsigned long local_count,
                              const struct iovec *remote, unsigned long remote_count);

// Names the calling thread (cut to 15 bytes, as the kernel keeps); 0, or an errno.
int csc_set_thread_name(const char *name);

// The most descriptors one message may carry through csc_recvmsg_fds.
#define CSC_MAX_DESCRIPTORS 64

// recvmsg with MSG_CMSG_CLOEXEC | flags: up to `length` bytes into `buffer`, and the SCM_RIGHTS descriptors that
// came along into `fds` (at most `capacity`; any beyond are closed). Bytes read (0 at end of stream), or -1 with
// errno; `*count` is the number of descriptors stored.
ssize_t csc_recvmsg_fds(int fd, void *buffer, size_t length, int *fds, int capacity, int *count, int flags);

// sendmsg with `count` descriptors (SCM_RIGHTS; none when 0) and `flags`. Bytes sent, or -1 with errno.
ssize_t csc_sendmsg_fds(int fd, const void *buffer, size_t length, const int *fds, int count, int flags);
