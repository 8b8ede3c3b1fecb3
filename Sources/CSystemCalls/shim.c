// See CSystemCalls.h. _GNU_SOURCE is defined here, for this file alone, before any header.
#define _GNU_SOURCE
#include "CSystemCalls.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int csc_peer_credentials(int fd, pid_t *pid, uid_t *uid, gid_t *gid) {
    struct ucred credentials;
    socklen_t length = sizeof credentials;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) return -1;
    if (length < sizeof credentials) { errno = EINVAL; return -1; }
    *pid = credentials.pid;
    *uid = credentials.uid;
    *gid = credentials.gid;
    return 0;
}

int csc_open_unnamed(const char *folder) {
    return open(folder, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
}

int csc_accept_cloexec(int fd) {
    return accept4(fd, NULL, NULL, SOCK_CLOEXEC);
}

ssize_t csc_process_vm_readv(pid_t pid, const struct iovec *local, unsigned long local_count,
                             const struct iovec *remote, unsigned long remote_count) {
    return process_vm_readv(pid, local, local_count, remote, remote_count, 0);
}

ssize_t csc_process_vm_writev(pid_t pid, const struct iovec *local, unsigned long local_count,
                              const struct iovec *remote, unsigned long remote_count) {
    return process_vm_writev(pid, local, local_count, remote, remote_count, 0);
}

int csc_set_thread_name(const char *name) {
    char cut[16];
    strncpy(cut, name, sizeof cut - 1);
    cut[sizeof cut - 1] = 0;
    return pthread_setname_np(pthread_self(), cut);
}

ssize_t csc_recvmsg_fds(int fd, void *buffer, size_t length, int *fds, int capacity, int *count, int flags) {
    union { struct cmsghdr align; char bytes[CMSG_SPACE(sizeof(int) * CSC_MAX_DESCRIPTORS)]; } control;
    struct iovec iov = { .iov_base = buffer, .iov_len = length };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.bytes, .msg_controllen = sizeof control.bytes };
    *count = 0;
    ssize_t n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC | flags);
    if (n < 0) return -1;
    for (struct cmsghdr *h = CMSG_FIRSTHDR(&msg); h != NULL; h = CMSG_NXTHDR(&msg, h)) {
        if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS) continue;
        size_t received = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        const unsigned char *data = CMSG_DATA(h);
        for (size_t k = 0; k < received; k++) {
            int d;
            memcpy(&d, data + k * sizeof(int), sizeof d);
            if (*count < capacity) fds[(*count)++] = d; else close(d);
        }
    }
    return n;
}

ssize_t csc_sendmsg_fds(int fd, const void *buffer, size_t length, const int *fds, int count, int flags) {
    struct iovec iov = { .iov_base = (void *)buffer, .iov_len = length };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    union { struct cmsghdr align; char bytes[CMSG_SPACE(sizeof(int) * CSC_MAX_DESCRIPTORS)]; } control;
    if (count > 0) {
        if (count > CSC_MAX_DESCRIPTORS) { errno = EINVAL; return -1; }
        memset(&control, 0, sizeof control);
        msg.msg_control = control.bytes;
        msg.msg_controllen = CMSG_SPACE(sizeof(int) * count);
        struct cmsghdr *h = CMSG_FIRSTHDR(&msg);
        h->cmsg_level = SOL_SOCKET;
        h->cmsg_type = SCM_RIGHTS;
        h->cmsg_len = CMSG_LEN(sizeof(int) * count);
        memcpy(CMSG_DATA(h), fds, sizeof(int) * count);
    }
    return sendmsg(fd, &msg, flags);
}
